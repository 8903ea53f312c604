package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WebSocket ITs' backend and client against each other, with no Gangway in between. */
class WebSocketBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private WebSocketBackend backend;

    @BeforeEach
    void start() {
        backend = WebSocketBackend.start();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + backend.port() + path);
    }

    @Test
    void echoesTextBinaryFragmentsAndPings() throws Exception {
        try (WebSocketVisitor ws = WebSocketVisitor.connect(uri("/chat?room=1"), "site.example:80")) {
            ws.sendText("hello", true);
            assertEquals("hello", ws.awaitText(WAIT));

            byte[] bytes = EchoService.randomBytes(70_000, 1);
            ws.sendBinary(bytes, true);
            assertArrayEquals(bytes, ws.awaitBinary(WAIT));

            ws.sendText("one ", false);
            ws.sendText("two ", false);
            ws.sendText("three", true);
            assertEquals("one two three", ws.awaitText(WAIT));

            ws.ping("are you there".getBytes(StandardCharsets.UTF_8));
            assertEquals("are you there", new String(ws.awaitPong(WAIT), StandardCharsets.UTF_8));

            Backend.Request handshake = backend.awaitHandshake(1, TimeUnit.SECONDS);
            assertNotNull(handshake);
            assertEquals("/chat?room=1", handshake.uri());
            assertEquals("site.example:80", handshake.header("Host"));
            assertEquals("websocket", handshake.header("Upgrade"));

            ws.sendClose();
            assertEquals(1000, ws.awaitEnd(WAIT).statusCode());
        }
        Poll.until(WAIT, "the backend saw the close", backend::closedCount, n -> n == 1);
    }

    @Test
    void echoesATenMegabyteMessageSentInFragments() throws Exception {
        byte[] whole = EchoService.randomBytes(10 * 1024 * 1024, 2);
        try (WebSocketVisitor ws = WebSocketVisitor.connect(uri("/big"), null)) {
            int half = whole.length / 2;
            ws.sendBinary(java.util.Arrays.copyOfRange(whole, 0, half), false);
            ws.sendBinary(java.util.Arrays.copyOfRange(whole, half, whole.length), true);
            assertArrayEquals(whole, ws.awaitBinary(WAIT));
            ws.sendBinary(whole, true);
            assertArrayEquals(whole, ws.awaitBinary(WAIT));
        }
    }

    @Test
    void refusesAHandshakeWithTheStatusInThePath() throws Exception {
        var refused = assertThrows(WebSocketHandshakeException.class,
                () -> WebSocketVisitor.connect(uri("/refuse/403"), null));
        assertEquals(403, refused.getResponse().statusCode());
        assertNotNull(backend.awaitHandshake(1, TimeUnit.SECONDS), "a refused handshake is recorded too");
    }

    @Test
    void abortDropsTheConnectionWithoutACloseFrame() throws Exception {
        try (WebSocketVisitor ws = WebSocketVisitor.connect(uri("/doomed"), null)) {
            Poll.until(WAIT, "the connection registered", backend::openCount, n -> n == 1);

            assertEquals(1, backend.abortAll());

            WebSocketVisitor.End end = ws.awaitEnd(WAIT);
            assertTrue(end.abnormal(), end.toString());
        }
    }

    @Test
    void aVisitorAbortIsSeenByTheBackend() throws Exception {
        try (WebSocketVisitor ws = WebSocketVisitor.connect(uri("/doomed"), null)) {
            ws.sendText("x", true);
            ws.awaitText(WAIT);
            ws.abort();
        }
        Poll.until(WAIT, "the backend saw the connection drop", backend::closedCount, n -> n == 1);
    }

    @Test
    void servesPagesOverPlainHttp() throws Exception {
        backend.serve("/index.html", "text/html; charset=utf-8", "<html>hi</html>");
        var page = Visitor.client().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + backend.port() + "/index.html")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("<html>hi</html>", page.body());
        var missing = Visitor.client().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + backend.port() + "/nope")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }
}
