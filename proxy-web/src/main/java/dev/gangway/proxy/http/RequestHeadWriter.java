package dev.gangway.proxy.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request head sent to the service: request line with the routed target, the visitor's end-to-end headers,
 * {@code X-Forwarded-*}, the body framing chosen for the service and, for a protocol upgrade the gateway carries,
 * the {@code Upgrade} and {@code Connection} pair (hop-by-hop, so rebuilt for this hop rather than passed on).
 * Always HTTP/1.1: the proxy, not the visitor, speaks on the tunnel connection.
 */
public final class RequestHeadWriter {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String X_FORWARDED_PORT = "X-Forwarded-Port";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";

    private RequestHeadWriter() {
    }

    /**
     * @param upgrade the protocol to ask the service to switch to ({@code websocket}, {@code tcp}), or {@code null}
     */
    public static byte[] write(String method, String target, List<HeaderField> visitorHeaders,
                               VisitorFacts visitor, RequestBodyFraming framing, String upgrade) {
        return write(method, target, visitorHeaders, visitor, framing, upgrade, List.of());
    }

    /**
     * @param identity the {@link IdentityHeaders} of a private tunnel's visitor, or empty: added after the visitor's
     *                 headers, whose own values of them are always dropped
     */
    public static byte[] write(String method, String target, List<HeaderField> visitorHeaders,
                               VisitorFacts visitor, RequestBodyFraming framing, String upgrade,
                               List<HeaderField> identity) {
        requireClean(method, "method");
        requireClean(target, "request target");
        StringBuilder head = new StringBuilder(512);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (HeaderField field : headersFor(visitorHeaders, visitor, framing, upgrade, identity)) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The header fields of the forwarded request, in order. Visible for tests. */
    static List<HeaderField> headersFor(List<HeaderField> visitorHeaders, VisitorFacts visitor,
                                        RequestBodyFraming framing) {
        return headersFor(visitorHeaders, visitor, framing, null);
    }

    static List<HeaderField> headersFor(List<HeaderField> visitorHeaders, VisitorFacts visitor,
                                        RequestBodyFraming framing, String upgrade) {
        return headersFor(visitorHeaders, visitor, framing, upgrade, List.of());
    }

    static List<HeaderField> headersFor(List<HeaderField> visitorHeaders, VisitorFacts visitor,
                                        RequestBodyFraming framing, String upgrade, List<HeaderField> identity) {
        List<HeaderField> out = new ArrayList<>(visitorHeaders.size() + 7 + identity.size());
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
            } else if (IdentityHeaders.isReserved(field)) {
                // Only Gangway says who a visitor is (added below for a private tunnel's visitor).
                continue;
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
        String proto = forwardedProto != null ? forwardedProto : visitor.scheme();
        boolean webSocket = "websocket".equalsIgnoreCase(upgrade);
        out.add(new HeaderField(X_FORWARDED_PROTO, webSocket ? webSocketScheme(proto) : proto));
        out.add(new HeaderField(X_FORWARDED_PORT,
                forwardedPort != null ? forwardedPort : Integer.toString(visitor.port())));
        String host = forwardedHost != null ? forwardedHost : visitor.host();
        if (host != null) {
            out.add(new HeaderField(X_FORWARDED_HOST, host));
        }
        out.addAll(identity);
        if (framing == RequestBodyFraming.CHUNKED) {
            out.add(new HeaderField("Transfer-Encoding", "chunked"));
        }
        if (upgrade != null) {
            out.add(new HeaderField("Connection", "Upgrade"));
            out.add(new HeaderField("Upgrade", upgrade));
        }
        return out;
    }

    /** PROTOCOL.md: a WebSocket handshake is forwarded as {@code ws}/{@code wss}, as Preevy's proxy does. */
    private static String webSocketScheme(String proto) {
        if (proto.equalsIgnoreCase("https")) {
            return "wss";
        }
        return proto.equalsIgnoreCase("http") ? "ws" : proto;
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
