package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;

import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/**
 * The browser driver and the echo page against the WebSocket backend, with no Gangway in between; also shows that
 * Chromium resolves {@code *.localhost} to loopback by itself, which the browser IT relies on.
 */
class HeadlessChromiumTest {

    @Test
    void thePageExchangesMessagesOverAWebSocketToItsOwnHost() throws Exception {
        assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        try (WebSocketBackend backend = WebSocketBackend.start();
             HeadlessChromium browser = HeadlessChromium.start()) {
            WebSocketEchoPage.install(backend);
            String origin = "http://echo-test.localhost:" + backend.port();

            browser.navigate(origin + WebSocketEchoPage.PAGE);
            ModelNode outcome = browser.executeAsync(WebSocketEchoPage.READ_OUTCOME);

            assertEquals(WebSocketEchoPage.EXPECTED, WebSocketEchoPage.received(outcome), outcome.toJSONString(false));
            assertEquals(1000, outcome.get("closeCode").asInt(), outcome.toJSONString(false));
            assertEquals("websocket echo", browser.title());
            Backend.Request handshake = backend.awaitHandshake(1, TimeUnit.SECONDS);
            assertNotNull(handshake, "the backend saw no handshake");
            assertEquals("/echo", handshake.uri());
            assertEquals("echo-test.localhost:" + backend.port(), handshake.header("Host"));
            assertEquals(origin, handshake.header("Origin"));
        }
    }
}
