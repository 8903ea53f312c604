package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.DockerLikeUpgradeBackend;
import dev.gangway.it.support.EchoService;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.WebSocketBackend;
import dev.gangway.it.support.WebSocketVisitor;

/**
 * Upgraded connections through the real EAR: WebSockets from the JDK's client to Undertow's WebSocket server behind
 * a stock {@code ssh -R} tunnel, Docker's {@code Upgrade: tcp} hijack with half-close in both directions, and the
 * upgrades Gangway does not proxy ({@code h2c} is ignored, anything else refused with an HTTP error).
 */
@ExtendWith(ArquillianExtension.class)
class WebSocketIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int READ_TIMEOUT_MS = 15_000;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    // ---- WebSocket

    @Test
    void textAndBinaryMessagesAreEchoedAndTheServiceSeesTheVisitorsHostAndWs() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(tunnel.host(), "/chat?room=1")) {

            ws.sendText("hello through the tunnel", true);
            assertEquals("hello through the tunnel", ws.awaitText(WAIT));
            ws.sendText("ünïcödé ✓", true);
            assertEquals("ünïcödé ✓", ws.awaitText(WAIT));
            byte[] bytes = EchoService.randomBytes(64 * 1024 + 1, 11);
            ws.sendBinary(bytes, true);
            assertArrayEquals(bytes, ws.awaitBinary(WAIT));

            Backend.Request handshake = backend.awaitHandshake(5, TimeUnit.SECONDS);
            assertNotNull(handshake, "the service saw no handshake");
            assertEquals("/chat?room=1", handshake.uri());
            assertEquals(tunnel.host(), handshake.header("Host"), "Host reaches the service as the visitor sent it");
            assertEquals("ws", handshake.header("X-Forwarded-Proto"));
            assertEquals("127.0.0.1", handshake.header("X-Forwarded-For"));
            assertEquals(tunnel.host(), handshake.header("X-Forwarded-Host"));
            assertEquals(Integer.toString(ItServer.httpPort()), handshake.header("X-Forwarded-Port"));

            ws.sendClose();
            WebSocketVisitor.End end = ws.awaitEnd(WAIT);
            assertEquals(1000, end.statusCode(), "the service's close frame reaches the visitor: " + end);
            Poll.until(WAIT, "the service saw the connection end", backend::closedCount, n -> n == 1);
        }
    }

    @Test
    void aTenMegabyteBinaryMessagePassesWhole() throws Exception {
        byte[] big = EchoService.randomBytes(10 * 1024 * 1024, 12);
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(tunnel.host(), "/big")) {

            ws.sendBinary(big, true);

            byte[] back = ws.awaitBinary(Duration.ofSeconds(60));
            assertEquals(big.length, back.length);
            assertArrayEquals(big, back);
        }
    }

    @Test
    void fragmentedMessagesAreReassembledByTheService() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(tunnel.host(), "/fragments")) {

            ws.sendText("first part, ", false);
            ws.sendText("second part, ", false);
            ws.sendText("last part", true);
            assertEquals("first part, second part, last part", ws.awaitText(WAIT));

            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            for (int i = 0; i < 4; i++) {
                byte[] piece = EchoService.randomBytes(30_000 + i, 20 + i);
                ws.sendBinary(piece, i == 3);
                whole.write(piece);
            }
            assertArrayEquals(whole.toByteArray(), ws.awaitBinary(WAIT));
        }
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(tunnel.host(), "/ping")) {

            ws.ping("ping 1".getBytes(StandardCharsets.UTF_8));
            assertEquals("ping 1", new String(ws.awaitPong(WAIT), StandardCharsets.UTF_8));
            ws.sendText("still open", true);
            assertEquals("still open", ws.awaitText(WAIT));
        }
    }

    @Test
    void pathRoutingCarriesWebSocketsToo() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port())) {
            String proxyHost = "proxy." + ItServer.baseUrl().getHost() + ":" + ItServer.httpPort();

            try (WebSocketVisitor ws = WebSocketVisitor.connect(proxyHost, "/proxy/" + tunnel.key() + "/chat?q=1")) {
                ws.sendText("by path", true);
                assertEquals("by path", ws.awaitText(WAIT));
            }

            Backend.Request handshake = backend.awaitHandshake(5, TimeUnit.SECONDS);
            assertNotNull(handshake, "the service saw no handshake");
            assertEquals("/chat?q=1", handshake.uri(), "the /proxy/<key> prefix is stripped");
            assertEquals("ws", handshake.header("X-Forwarded-Proto"));
        }
    }

    @Test
    void aHandshakeTheServiceRefusesReachesTheVisitorWithItsStatusAndBody() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port())) {

            var refused = assertThrows(WebSocketHandshakeException.class,
                    () -> WebSocketVisitor.connect(tunnel.host(), "/refuse/403"));
            assertEquals(403, refused.getResponse().statusCode());

            try (RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {
                var response = visitor.get(tunnel.host(), "/refuse/403", "Connection", "Upgrade",
                        "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
                        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                assertEquals(403, response.status(), response.bodyText());
                assertEquals("handshake refused by the backend with 403\n", response.bodyText());
            }
        }
    }

    @Test
    void whenTheServiceDropsTheConnectionTheVisitorsWebSocketEnds() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(tunnel.host(), "/doomed")) {
            ws.sendText("before", true);
            assertEquals("before", ws.awaitText(WAIT));

            assertEquals(1, backend.abortAll());

            WebSocketVisitor.End end = ws.awaitEnd(WAIT);
            assertNotEquals(1000, end.statusCode(), "a dropped service is not a normal close: " + end);
        }
    }

    @Test
    void whenTheVisitorDropsTheConnectionTheServicesWebSocketEnds() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("ws", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(tunnel.host(), "/doomed")) {
            ws.sendText("before", true);
            assertEquals("before", ws.awaitText(WAIT));

            ws.abort();

            Poll.until(WAIT, "the service saw the connection end", backend::closedCount, n -> n == 1);
        }
    }

    // ---- upgrades that are not proxied

    @Test
    void anUnsupportedUpgradeIsRefusedWithAnHttpErrorAndABody() throws Exception {
        try (Backend backend = Backend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            var response = visitor.get(tunnel.host(), "/foo", "Connection", "Upgrade", "Upgrade", "foo");

            assertTrue(response.status() >= 400 && response.status() < 600,
                    "an error status, not " + response.status() + ": " + response.bodyText());
            assertNotNull(response.head().header("Content-Type"), "the error is an HTTP response with a typed body");
            assertFalse(response.bodyText().isBlank(), "the error says what went wrong");
            assertNull(response.head().header("Upgrade"), "nothing was upgraded");
            assertNull(backend.awaitRequest(500, TimeUnit.MILLISECONDS), "a refused upgrade never reaches the service");
        }
    }

    @Test
    void anH2cUpgradeIsIgnoredAndServedAsPlainHttp() throws Exception {
        try (Backend backend = Backend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            var response = visitor.get(tunnel.host(), "/plain?x=1", "Connection", "Upgrade, HTTP2-Settings",
                    "Upgrade", "h2c", "HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA");

            assertEquals(200, response.status(), response.bodyText());
            assertEquals("backend GET /plain?x=1", response.bodyText());
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the service saw no request");
            // Were Upgrade: h2c passed on, an h2c-capable service would switch protocols under the proxy's feet.
            assertNull(seen.header("Upgrade"), "the upgrade offer is the proxy's hop, not the service's");
            assertNull(seen.header("HTTP2-Settings"));
            var second = visitor.get(tunnel.host(), "/second");
            assertEquals(200, second.status(), "the connection is still plain HTTP/1.1: " + second.bodyText());
            assertEquals("backend GET /second", second.bodyText());
        }
    }

    // ---- Upgrade: tcp (Docker's hijack)

    @Test
    void upgradeTcpCarriesRawBytesAndTheVisitorsHalfClose() throws Exception {
        byte[] data = EchoService.randomBytes(256 * 1024 + 3, 30);
        try (DockerLikeUpgradeBackend backend = DockerLikeUpgradeBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("docker", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            RawHttpConnection.Head head = DockerLikeUpgradeBackend.requestUpgrade(visitor, tunnel.host(),
                    "/v1.43/exec/abc/start");

            assertEquals(101, head.status());
            assertEquals("tcp", head.header("Upgrade"));
            assertTrue(String.valueOf(head.header("Connection")).toLowerCase(Locale.ROOT).contains("upgrade"),
                    "Connection: " + head.header("Connection"));
            assertEquals("application/vnd.docker.raw-stream", head.header("Content-Type"));
            assertArrayEquals(data, DockerLikeUpgradeBackend.roundTrip(visitor, data));
            visitor.shutdownOutput();
            assertEquals(DockerLikeUpgradeBackend.MARKER, DockerLikeUpgradeBackend.readToEnd(visitor),
                    "the visitor's half-close reached the service, and the service's answer to it came back");

            DockerLikeUpgradeBackend.Session session = backend.awaitSession(5, TimeUnit.SECONDS);
            assertNotNull(session, "the service saw no request");
            assertEquals("POST /v1.43/exec/abc/start HTTP/1.1", session.requestLine());
            assertEquals(DockerLikeUpgradeBackend.EXEC_START_BODY, session.body());
            assertEquals(tunnel.host(), session.header("Host"));
            assertArrayEquals(data, session.received().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void upgradeTcpCarriesTheServicesHalfCloseWhileTheVisitorKeepsSending() throws Exception {
        try (DockerLikeUpgradeBackend backend = DockerLikeUpgradeBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("docker", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            RawHttpConnection.Head head = DockerLikeUpgradeBackend.requestUpgrade(visitor, tunnel.host(),
                    "/v1.43/containers/abc/attach?stream=1&stdin=1&stdout=1&close-first");

            assertEquals(101, head.status());
            assertEquals(DockerLikeUpgradeBackend.GREETING, DockerLikeUpgradeBackend.readToEnd(visitor),
                    "the service's half-close reaches the visitor as end of stream");
            ByteArrayOutputStream late = new ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                byte[] piece = ("stdin after the service's EOF " + i + "\n").getBytes(StandardCharsets.UTF_8);
                visitor.write(piece);
                late.write(piece);
                Thread.sleep(50);
            }
            visitor.shutdownOutput();

            DockerLikeUpgradeBackend.Session session = backend.awaitSession(5, TimeUnit.SECONDS);
            assertNotNull(session, "the service saw no request");
            assertEquals(late.toString(StandardCharsets.UTF_8),
                    new String(session.received().get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                    "what the visitor sent after the service's half-close still reached the service");
        }
    }
}
