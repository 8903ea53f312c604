package dev.gangway.proxy.inject;

import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.ResponseHead;
import dev.gangway.proxy.log.ProxyLogger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The injection for one request whose target matched at least one spec. It keeps the request's validators
 * consistent with the rewritten pages and decides, from the response head, whether and how the response is
 * rewritten. One per request: it remembers which of the visitor's validators it changed.
 */
public final class ScriptInjection {

    /**
     * Describe the content rather than the representation: once scripts are inserted they are wrong. Repr-Digest
     * covers the coded bytes, which change too.
     */
    private static final Set<String> REMOVED_FROM_RESPONSE = Set.of(
            "content-length", "accept-ranges", "content-md5", "digest", "content-digest", "repr-digest");

    private final InjectedScripts scripts;
    /** Opaque tags of the service that the visitor sent with our suffix: it holds an injected copy of those. */
    private final Set<String> revalidated = new HashSet<>();

    ScriptInjection(InjectedScripts scripts) {
        this.scripts = scripts;
    }

    /**
     * The visitor's request headers as the service should see them: this injection's ETag suffix removed from
     * {@code If-None-Match} and {@code If-Match}, so that the service answers 304 and 412 as it would without the
     * proxy. Everything else passes unchanged, {@code Accept-Encoding} and {@code Range} included.
     *
     * <p>{@code If-Range} keeps the suffix on purpose: stripped, it would match, and the service would answer 206
     * with a range of its un-injected page, which the visitor would splice into its injected copy. Kept, it never
     * matches, and the service sends the whole page, which gets its scripts.
     */
    public List<HeaderField> requestHeaders(List<HeaderField> visitorHeaders) {
        List<HeaderField> result = null;
        for (int i = 0; i < visitorHeaders.size(); i++) {
            HeaderField field = visitorHeaders.get(i);
            if (field.is("If-None-Match") || field.is("If-Match")) {
                String value = EntityTags.withoutSuffix(field.value(), scripts.etagSuffix(), revalidated);
                if (!value.equals(field.value())) {
                    if (result == null) {
                        result = new ArrayList<>(visitorHeaders);
                    }
                    result.set(i, new HeaderField(field.name(), value));
                }
            }
        }
        return result == null ? visitorHeaders : result;
    }

    /**
     * How to rewrite this response, or {@code null} to pass it through byte for byte: anything but an HTML page
     * (not {@code text/html}; a charset that is not ASCII-compatible; a coding other than identity, gzip, deflate
     * or br, or stacked codings; br while brotli is unavailable), a status without a page (1xx, 204, 205), a 206
     * (a range of the service's own page, answering a Range request without a matching If-Range), and a 304 for a
     * copy the visitor did not get through this injection. For a HEAD request or a 304 for an injected copy only
     * the headers change ({@link ResponseRewrite#body()} is {@code null}).
     *
     * @param requestMethod the visitor's request method
     * @param head          the service's final response head
     */
    public ResponseRewrite forResponse(String requestMethod, ResponseHead head) {
        int status = head.status();
        if (status == 304) {
            return notModified(head);
        }
        if (status < 200 || status == 204 || status == 205 || status == 206) {
            return null;
        }
        if (!HtmlContentType.isInjectable(head.first("Content-Type"))) {
            return null;
        }
        ContentCoding coding = ContentCoding.of(head.all("Content-Encoding"));
        if (coding == null || (coding == ContentCoding.BR && !BrotliSupport.isAvailable())) {
            return null;
        }
        List<HeaderField> headers = rewrittenHeaders(head.headers());
        if ("HEAD".equals(requestMethod)) {
            return new ResponseRewrite(headers, null);
        }
        BodyStage pipeline;
        try {
            pipeline = coding.pipeline(scripts);
        } catch (IOException e) {
            // Native memory for brotli could not be had: better an unchanged page than no page.
            ProxyLogger.VISITOR.injectionSkipped(e.getMessage());
            return null;
        }
        return new ResponseRewrite(headers, new GuardedTransformer(pipeline));
    }

    private ResponseRewrite notModified(ResponseHead head) {
        String etag = head.first("ETag");
        if (etag == null || !revalidated.contains(EntityTags.opaque(etag))) {
            return null;
        }
        // The visitor's stored response is the injected page: its ETag must stay the suffixed one when the 304
        // updates the stored headers (RFC 9111 §4.3.4).
        return new ResponseRewrite(rewrittenHeaders(head.headers()), null);
    }

    private List<HeaderField> rewrittenHeaders(List<HeaderField> serviceHeaders) {
        List<HeaderField> headers = new ArrayList<>(serviceHeaders.size());
        for (HeaderField field : serviceHeaders) {
            String lower = field.name().toLowerCase(Locale.ROOT);
            if (REMOVED_FROM_RESPONSE.contains(lower)) {
                continue;
            }
            if (lower.equals("etag")) {
                String suffixed = EntityTags.withSuffix(field.value(), scripts.etagSuffix());
                if (suffixed != null) {
                    headers.add(new HeaderField(field.name(), suffixed));
                }
                continue;
            }
            headers.add(field);
        }
        return headers;
    }
}
