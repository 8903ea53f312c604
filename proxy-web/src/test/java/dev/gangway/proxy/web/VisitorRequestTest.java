package dev.gangway.proxy.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gangway.proxy.http.RequestBodyFraming;
import dev.gangway.proxy.http.UpgradeRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import org.junit.jupiter.api.Test;

/** What the proxy reads from Undertow's exchange for HTTP/1.1 and HTTP/2 visitors (an exchange on no connection). */
class VisitorRequestTest {

    private static HttpServerExchange exchange(HttpString protocol) {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.setProtocol(protocol);
        return exchange;
    }

    @Test
    void anUpgradeIsCarriedForHttp11ButNeverForHttp2() {
        for (HttpString protocol : new HttpString[] {Protocols.HTTP_1_1, Protocols.HTTP_2_0}) {
            HttpServerExchange exchange = exchange(protocol);
            exchange.getRequestHeaders().put(Headers.UPGRADE, "websocket");
            exchange.getRequestHeaders().put(Headers.CONNECTION, "Upgrade");
            UpgradeRequest.Kind expected = protocol == Protocols.HTTP_2_0 ? UpgradeRequest.Kind.NONE
                    : UpgradeRequest.Kind.WEBSOCKET;
            assertEquals(expected, VisitorRequest.upgrade(exchange).kind(), protocol.toString());
        }
    }

    @Test
    void anHttp2BodyWithoutContentLengthIsChunkedForTheService() {
        HttpServerExchange open = exchange(Protocols.HTTP_2_0);
        assertEquals(RequestBodyFraming.CHUNKED, VisitorRequest.bodyFraming(open));
        HttpServerExchange withLength = exchange(Protocols.HTTP_2_0);
        withLength.getRequestHeaders().put(Headers.CONTENT_LENGTH, "5");
        assertEquals(RequestBodyFraming.FIXED, VisitorRequest.bodyFraming(withLength));
        // HTTP/1.1 without either header has no body (RFC 9112 §6.3).
        assertEquals(RequestBodyFraming.NONE, VisitorRequest.bodyFraming(exchange(Protocols.HTTP_1_1)));
    }
}
