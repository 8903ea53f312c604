package dev.gangway.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class RequestHeadWriterTest {

    private static final VisitorFacts UNTRUSTED = new VisitorFacts("198.51.100.4", "https", 443, "app.gw", false);
    private static final VisitorFacts TRUSTED = new VisitorFacts("10.0.0.2", "http", 80, "app.gw", true);

    private static HeaderField h(String name, String value) {
        return new HeaderField(name, value);
    }

    @Test
    void removesHopByHopHeadersAndTheOnesConnectionNames() {
        List<HeaderField> out = RequestHeadWriter.headersFor(List.of(
                h("Host", "app.gw"), h("Connection", "keep-alive, X-Secret"), h("X-Secret", "s"),
                h("Keep-Alive", "timeout=5"), h("Proxy-Authorization", "Basic x"), h("TE", "trailers"),
                h("Trailer", "X"), h("Upgrade", "h2c"), h("Accept", "*/*"), h("Expect", "100-continue")),
                UNTRUSTED, RequestBodyFraming.NONE);
        assertEquals(List.of(h("Host", "app.gw"), h("Accept", "*/*"),
                h("X-Forwarded-For", "198.51.100.4"), h("X-Forwarded-Proto", "https"),
                h("X-Forwarded-Port", "443"), h("X-Forwarded-Host", "app.gw")), out);
    }

    @Test
    void untrustedVisitorsForwardedHeadersAreReplaced() {
        List<HeaderField> out = RequestHeadWriter.headersFor(List.of(h("X-Forwarded-For", "1.2.3.4"),
                h("x-forwarded-proto", "https"), h("X-Forwarded-Port", "1"), h("X-Forwarded-Host", "evil")),
                new VisitorFacts("198.51.100.4", "http", 8080, "app.gw:8080", false), RequestBodyFraming.NONE);
        assertEquals(List.of(h("X-Forwarded-For", "198.51.100.4"), h("X-Forwarded-Proto", "http"),
                h("X-Forwarded-Port", "8080"), h("X-Forwarded-Host", "app.gw:8080")), out);
    }

    @Test
    void trustedProxysForwardedHeadersAreBelievedAndAppendedTo() {
        List<HeaderField> out = RequestHeadWriter.headersFor(List.of(h("X-Forwarded-For", "203.0.113.1"),
                h("X-Forwarded-For", "192.0.2.1"), h("X-Forwarded-Proto", "https"),
                h("X-Forwarded-Port", "443"), h("X-Forwarded-Host", "public.example")),
                TRUSTED, RequestBodyFraming.NONE);
        assertEquals(List.of(h("X-Forwarded-For", "203.0.113.1, 192.0.2.1, 10.0.0.2"),
                h("X-Forwarded-Proto", "https"), h("X-Forwarded-Port", "443"),
                h("X-Forwarded-Host", "public.example")), out);
    }

    @Test
    void trustedProxyWithoutHeadersGetsTheObservedValues() {
        List<HeaderField> out = RequestHeadWriter.headersFor(List.of(), TRUSTED, RequestBodyFraming.NONE);
        assertEquals(List.of(h("X-Forwarded-For", "10.0.0.2"), h("X-Forwarded-Proto", "http"),
                h("X-Forwarded-Port", "80"), h("X-Forwarded-Host", "app.gw")), out);
    }

    @Test
    void bodyFramingKeepsContentLengthOrRechunks() {
        List<HeaderField> fixed = RequestHeadWriter.headersFor(List.of(h("Content-Length", "12")),
                UNTRUSTED, RequestBodyFraming.FIXED);
        assertEquals(h("Content-Length", "12"), fixed.get(0));
        List<HeaderField> chunked = RequestHeadWriter.headersFor(List.of(h("Transfer-Encoding", "chunked")),
                UNTRUSTED, RequestBodyFraming.CHUNKED);
        assertEquals(h("Transfer-Encoding", "chunked"), chunked.get(chunked.size() - 1));
        assertEquals(1, chunked.stream().filter(f -> f.is("Transfer-Encoding")).count());
    }

    @Test
    void writesRequestLineAndCrlfTerminatedHead() {
        String head = new String(RequestHeadWriter.write("GET", "/a?b=1", List.of(h("Host", "app.gw")),
                UNTRUSTED, RequestBodyFraming.NONE, null), StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("GET /a?b=1 HTTP/1.1\r\nHost: app.gw\r\nX-Forwarded-For: 198.51.100.4\r\n"));
        assertTrue(head.endsWith("\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> RequestHeadWriter.write("GET", "/a b",
                List.of(), UNTRUSTED, RequestBodyFraming.NONE, null));
    }

    @Test
    void responseHeadersLoseHopByHopHeadersToo() {
        assertEquals(List.of(h("Content-Type", "text/plain")), HopByHop.strip(List.of(h("Connection", "close"),
                h("Content-Type", "text/plain"), h("Transfer-Encoding", "chunked"), h("Keep-Alive", "x"))));
    }

    @Test
    void webSocketHandshakeKeepsItsUpgradePairAndIsForwardedAsWsOrWss() {
        List<HeaderField> visitor = List.of(h("Host", "app.gw"), h("Connection", "keep-alive, Upgrade"),
                h("Upgrade", "websocket"), h("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                h("Sec-WebSocket-Version", "13"));
        List<HeaderField> secure = RequestHeadWriter.headersFor(visitor, UNTRUSTED, RequestBodyFraming.NONE,
                "websocket");
        assertEquals(List.of(h("Host", "app.gw"), h("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                h("Sec-WebSocket-Version", "13"), h("X-Forwarded-For", "198.51.100.4"),
                h("X-Forwarded-Proto", "wss"), h("X-Forwarded-Port", "443"), h("X-Forwarded-Host", "app.gw"),
                h("Connection", "Upgrade"), h("Upgrade", "websocket")), secure);
        List<HeaderField> plain = RequestHeadWriter.headersFor(visitor,
                new VisitorFacts("198.51.100.4", "http", 80, "app.gw", false), RequestBodyFraming.NONE, "websocket");
        assertTrue(plain.contains(h("X-Forwarded-Proto", "ws")), plain.toString());
        // A trusted proxy's https becomes wss for a WebSocket handshake.
        List<HeaderField> behindProxy = RequestHeadWriter.headersFor(List.of(h("X-Forwarded-Proto", "https")),
                TRUSTED, RequestBodyFraming.NONE, "websocket");
        assertTrue(behindProxy.contains(h("X-Forwarded-Proto", "wss")), behindProxy.toString());
    }

    @Test
    void tcpUpgradeKeepsItsBodyFramingAndAnHttpScheme() {
        List<HeaderField> out = RequestHeadWriter.headersFor(List.of(h("Connection", "Upgrade"), h("Upgrade", "tcp"),
                h("Content-Length", "2")), UNTRUSTED, RequestBodyFraming.FIXED, "tcp");
        assertEquals(List.of(h("Content-Length", "2"), h("X-Forwarded-For", "198.51.100.4"),
                h("X-Forwarded-Proto", "https"), h("X-Forwarded-Port", "443"), h("X-Forwarded-Host", "app.gw"),
                h("Connection", "Upgrade"), h("Upgrade", "tcp")), out);
    }
}
