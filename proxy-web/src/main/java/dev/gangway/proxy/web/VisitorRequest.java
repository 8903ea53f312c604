package dev.gangway.proxy.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.gangway.proxy.http.CookieStrip;
import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.RequestBodyFraming;
import dev.gangway.proxy.http.RequestHeadWriter;
import dev.gangway.proxy.http.TrustedProxies;
import dev.gangway.proxy.http.UpgradeRequest;
import dev.gangway.proxy.identity.VisitorSessions;
import dev.gangway.proxy.inject.ScriptInjection;
import dev.gangway.proxy.http.VisitorFacts;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;

/** Reads what the proxy needs from Undertow's view of the visitor's request. */
final class VisitorRequest {

    /** Methods a proxy may send twice (RFC 9110 §9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private VisitorRequest() {
    }

    /** The request target as sent, in origin form (path and query, still percent-encoded). */
    static String rawTarget(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int schemeEnd = uri.indexOf("://");
            int pathStart = schemeEnd < 0 ? -1 : uri.indexOf('/', schemeEnd + 3);
            uri = pathStart < 0 ? "/" : uri.substring(pathStart);
        }
        if (uri.isEmpty()) {
            uri = "/";
        }
        String query = exchange.getQueryString();
        return query == null || query.isEmpty() ? uri : uri + "?" + query;
    }

    /** What the visitor's {@code Upgrade} header asks for; cheap when there is none. */
    static UpgradeRequest upgrade(HttpServerExchange exchange) {
        if (Protocols.HTTP_2_0.equals(exchange.getProtocol())) {
            // HTTP/2 has no Upgrade (RFC 9113 §8.6: Upgrade and Connection are connection-specific and not allowed),
            // and Undertow's HTTP/2 connection cannot hand over a stream. Should a client send the pair anyway, the
            // request is served as plain HTTP (both headers are hop-by-hop and go no further); a WebSocket client
            // opens an HTTP/1.1 connection, as the server offers no extended CONNECT (RFC 8441).
            return UpgradeRequest.of(null, null);
        }
        var headers = exchange.getRequestHeaders();
        HeaderValues upgrade = headers.get(Headers.UPGRADE);
        if (upgrade == null) {
            return UpgradeRequest.of(null, null);
        }
        HeaderValues connection = headers.get(Headers.CONNECTION);
        return UpgradeRequest.of(String.join(",", upgrade), connection == null ? null : String.join(",", connection));
    }

    static boolean isIdempotent(HttpServerExchange exchange) {
        return IDEMPOTENT.contains(exchange.getRequestMethod().toString());
    }

    static RequestBodyFraming bodyFraming(HttpServerExchange exchange) {
        var headers = exchange.getRequestHeaders();
        String transferEncoding = headers.getFirst(Headers.TRANSFER_ENCODING);
        String contentLength = headers.getFirst(Headers.CONTENT_LENGTH);
        if (transferEncoding == null && contentLength == null && Protocols.HTTP_2_0.equals(exchange.getProtocol())
                && !exchange.isRequestComplete()) {
            // HTTP/2 frames bodies itself (RFC 9113 §8.1): a body may come without Content-Length, as DATA frames until
            // the stream ends, and no Transfer-Encoding is ever sent. Only a stream that ended with its HEADERS frame
            // (Undertow has then terminated the request) surely has none; any other is chunked for the service.
            return RequestBodyFraming.CHUNKED;
        }
        return RequestBodyFraming.of(transferEncoding, contentLength);
    }

    /**
     * The head to send to the service for a request routed to {@code target}.
     *
     * @param upgrade   the protocol to ask the service for ({@code websocket}, {@code tcp}), or {@code null}
     * @param injection the scripts this request's response may get, or {@code null}: its ETag suffix comes off the
     *                  visitor's validators
     * @param identity  the identity headers of a private tunnel's visitor, or empty
     * @param dropAuthorization whether the visitor's {@code Authorization} is Gangway's credential, not the service's
     */
    static byte[] head(HttpServerExchange exchange, String target, RequestBodyFraming framing,
                       TrustedProxies trustedProxies, String upgrade, ScriptInjection injection,
                       List<HeaderField> identity, boolean dropAuthorization) {
        List<HeaderField> fields = new ArrayList<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            if (dropAuthorization && values.getHeaderName().equals(Headers.AUTHORIZATION)) {
                continue;
            }
            String name = values.getHeaderName().toString();
            boolean cookie = values.getHeaderName().equals(Headers.COOKIE);
            for (String value : values) {
                String forwarded = cookie ? CookieStrip.without(value, VisitorSessions.COOKIE) : value;
                if (forwarded != null) {
                    fields.add(new HeaderField(name, forwarded));
                }
            }
        }
        if (injection != null) {
            fields = injection.requestHeaders(fields);
        }
        // The TCP peer, not exchange.getSourceAddress(): that one may already believe a proxy's headers.
        InetSocketAddress peer = exchange.getConnection().getPeerAddress(InetSocketAddress.class);
        InetAddress peerAddress = peer == null ? null : peer.getAddress();
        VisitorFacts facts = new VisitorFacts(
                peerAddress == null ? "unknown" : peerAddress.getHostAddress(),
                exchange.getRequestScheme(),
                exchange.getHostPort(),
                exchange.getRequestHeaders().getFirst(Headers.HOST),
                trustedProxies.isTrusted(peerAddress));
        return RequestHeadWriter.write(exchange.getRequestMethod().toString(), target, fields, facts, framing, upgrade,
                identity);
    }
}
