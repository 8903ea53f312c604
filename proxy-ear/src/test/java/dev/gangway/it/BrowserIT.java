package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HeadlessChromium;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.WebSocketBackend;
import dev.gangway.it.support.WebSocketEchoPage;

/**
 * A real browser (headless Chromium) as the visitor: a page served through a tunnel opens a WebSocket back to its
 * own origin, through the same tunnel, and exchanges messages. Chromium resolves {@code *.localhost} to loopback
 * itself, so the tunnel URLs are used exactly as {@code hello} prints them. Skipped only where Debian's chromium is
 * not installed; {@code .ci/run} installs it.
 */
@ExtendWith(ArquillianExtension.class)
class BrowserIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeEach
    void needsChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @Test
    void aPageFromATunnelTalksWebSocketBackThroughTheTunnel() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             HeadlessChromium browser = HeadlessChromium.start()) {
            WebSocketEchoPage.install(backend);
            String origin = "http://" + tunnel.host();

            browser.navigate(origin + WebSocketEchoPage.PAGE);
            assertEquals("websocket echo", browser.title(), "the page came through the tunnel");
            ModelNode outcome = browser.executeAsync(WebSocketEchoPage.READ_OUTCOME);

            assertEquals(WebSocketEchoPage.EXPECTED, WebSocketEchoPage.received(outcome), outcome.toJSONString(false));
            assertEquals(1000, outcome.get("closeCode").asInt(), outcome.toJSONString(false));
            Backend.Request handshake = backend.awaitHandshake(5, TimeUnit.SECONDS);
            assertNotNull(handshake, "the service saw no handshake");
            assertEquals("/echo", handshake.uri());
            assertEquals(tunnel.host(), handshake.header("Host"));
            assertEquals(origin, handshake.header("Origin"), "the browser's Origin reaches the service unchanged");
            assertEquals("ws", handshake.header("X-Forwarded-Proto"));
        }
    }

    @Test
    void aPageUnderPathRoutingTalksWebSocketBackUnderTheSamePrefix() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             HeadlessChromium browser = HeadlessChromium.start()) {
            WebSocketEchoPage.install(backend);
            String prefix = "http://proxy." + ItServer.baseUrl().getHost() + ":" + ItServer.httpPort()
                    + "/proxy/" + tunnel.key();

            browser.navigate(prefix + WebSocketEchoPage.PAGE);
            assertEquals("websocket echo", browser.title(), "the page came through the tunnel");
            ModelNode outcome = browser.executeAsync(WebSocketEchoPage.READ_OUTCOME);

            assertEquals(WebSocketEchoPage.EXPECTED, WebSocketEchoPage.received(outcome), outcome.toJSONString(false));
            assertEquals("ws://proxy." + ItServer.baseUrl().getHost() + ":" + ItServer.httpPort() + "/proxy/"
                    + tunnel.key() + "/echo", outcome.get("url").asString());
            Backend.Request handshake = backend.awaitHandshake(5, TimeUnit.SECONDS);
            assertNotNull(handshake, "the service saw no handshake");
            assertEquals("/echo", handshake.uri(), "the /proxy/<key> prefix is stripped");
        }
    }
}
