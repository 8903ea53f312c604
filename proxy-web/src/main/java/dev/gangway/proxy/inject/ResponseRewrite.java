package dev.gangway.proxy.inject;

import dev.gangway.proxy.http.HeaderField;

import java.util.List;

/**
 * How one response is rewritten: the headers to send the visitor instead of the service's, and, when the response
 * has a body, the transformer its bytes go through.
 */
public final class ResponseRewrite {

    private final List<HeaderField> headers;
    private final BodyTransformer body;

    ResponseRewrite(List<HeaderField> headers, BodyTransformer body) {
        this.headers = List.copyOf(headers);
        this.body = body;
    }

    /**
     * The response headers for the visitor, in the service's order: {@code Content-Length}, {@code Accept-Ranges}
     * and content digests removed, {@code ETag} suffixed; {@code Content-Encoding} unchanged (the body is encoded
     * again with the same coding). Hop-by-hop headers are as they were given: the caller removes them as usual.
     */
    public List<HeaderField> headers() {
        return headers;
    }

    /**
     * The body transformer, or {@code null} when the response has no body (a HEAD response, a 304): then only the
     * headers change. The caller owns it and must {@link BodyTransformer#close() close} it on every path, also
     * when the exchange fails before the body starts.
     */
    public BodyTransformer body() {
        return body;
    }
}
