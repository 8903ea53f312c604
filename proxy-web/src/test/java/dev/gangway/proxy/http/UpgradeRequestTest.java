package dev.gangway.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UpgradeRequestTest {

    @Test
    void noUpgradeHeaderIsNoUpgrade() {
        assertEquals(UpgradeRequest.Kind.NONE, UpgradeRequest.of(null, "keep-alive").kind());
        assertEquals(UpgradeRequest.Kind.NONE, UpgradeRequest.of(" ", "Upgrade").kind());
    }

    @Test
    void webSocketAndTcpAreCarriedWithTheVisitorsSpelling() {
        assertEquals(new UpgradeRequest(UpgradeRequest.Kind.WEBSOCKET, "WebSocket"),
                UpgradeRequest.of("WebSocket", "keep-alive, Upgrade"));
        assertEquals(new UpgradeRequest(UpgradeRequest.Kind.TCP, "tcp"), UpgradeRequest.of("tcp", "Upgrade"));
    }

    @Test
    void theFirstCarriableProtocolOfAListWins() {
        assertEquals(UpgradeRequest.Kind.WEBSOCKET, UpgradeRequest.of("h2c, websocket, tcp", "upgrade").kind());
        assertEquals(UpgradeRequest.Kind.WEBSOCKET, UpgradeRequest.of("foo/2, websocket", "upgrade").kind());
    }

    @Test
    void h2cIsDeclinedByServingPlainHttp() {
        assertEquals(UpgradeRequest.Kind.NONE, UpgradeRequest.of("h2c", "Upgrade, HTTP2-Settings").kind());
    }

    @Test
    void otherProtocolsAreRefused() {
        assertEquals(UpgradeRequest.Kind.UNSUPPORTED, UpgradeRequest.of("foo", "Upgrade").kind());
        assertEquals(UpgradeRequest.Kind.UNSUPPORTED, UpgradeRequest.of("h2c, IRC/6.9", "Upgrade").kind());
    }

    @Test
    void anUpgradeTheConnectionHeaderDoesNotNameIsIgnored() {
        assertEquals(UpgradeRequest.Kind.NONE, UpgradeRequest.of("websocket", null).kind());
        assertEquals(UpgradeRequest.Kind.NONE, UpgradeRequest.of("websocket", "keep-alive").kind());
    }
}
