package dev.gangway.proxy.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request head sent to the service: request line with the routed target, the visitor's end-to-end headers,
 * {@code X-Forwarded-*}, and the body framing chosen for the service. Always HTTP/1.1: the proxy, not the visitor,
 * speaks on the tunnel connection.
 */
public final class RequestHeadWriter {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String X_FORWARDED_PORT = "X-Forwarded-Port";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";

    private RequestHeadWriter() {
    }

    public static byte[] write(String method, String target, List<HeaderField> visitorHeaders,
                               VisitorFacts visitor, RequestBodyFraming framing) {
        requireClean(method, "method");
        requireClean(target, "request target");
        StringBuilder head = new StringBuilder(512);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (HeaderField field : headersFor(visitorHeaders, visitor, framing)) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The header fields of the forwarded request, in order. Visible for tests. */
    static List<HeaderField> headersFor(List<HeaderField> visitorHeaders, VisitorFacts visitor,
                                        RequestBodyFraming framing) {
        List<HeaderField> out = new ArrayList<>(visitorHeaders.size() + 5);
        String forwardedFor = null;
        String forwardedProto = null;
        String forwardedPort = null;
        String forwardedHost = null;
        for (HeaderField field : HopByHop.strip(visitorHeaders)) {
            if (field.is(X_FORWARDED_FOR)) {
                forwardedFor = join(forwardedFor, field.value());
            } else if (field.is(X_FORWARDED_PROTO)) {
                forwardedProto = forwardedProto == null ? field.value() : forwardedProto;
            } else if (field.is(X_FORWARDED_PORT)) {
                forwardedPort = forwardedPort == null ? field.value() : forwardedPort;
            } else if (field.is(X_FORWARDED_HOST)) {
                forwardedHost = forwardedHost == null ? field.value() : forwardedHost;
            } else if (field.is("Expect")) {
                // The gateway answers 100-continue itself when it starts reading the body; the service never sees it.
                continue;
            } else if (field.is("Content-Length") && framing != RequestBodyFraming.FIXED) {
                continue;
            } else {
                out.add(field);
            }
        }
        if (!visitor.trustedProxy()) {
            // An untrusted visitor could claim any address or scheme: only what the gateway saw is sent.
            forwardedFor = null;
            forwardedProto = null;
            forwardedPort = null;
            forwardedHost = null;
        }
        out.add(new HeaderField(X_FORWARDED_FOR, join(forwardedFor, visitor.peerAddress())));
        out.add(new HeaderField(X_FORWARDED_PROTO, forwardedProto != null ? forwardedProto : visitor.scheme()));
        out.add(new HeaderField(X_FORWARDED_PORT,
                forwardedPort != null ? forwardedPort : Integer.toString(visitor.port())));
        String host = forwardedHost != null ? forwardedHost : visitor.host();
        if (host != null) {
            out.add(new HeaderField(X_FORWARDED_HOST, host));
        }
        if (framing == RequestBodyFraming.CHUNKED) {
            out.add(new HeaderField("Transfer-Encoding", "chunked"));
        }
        return out;
    }

    private static String join(String list, String value) {
        return list == null || list.isBlank() ? value : list + ", " + value;
    }

    private static void requireClean(String value, String what) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("Invalid character in the " + what);
            }
        }
    }
}
