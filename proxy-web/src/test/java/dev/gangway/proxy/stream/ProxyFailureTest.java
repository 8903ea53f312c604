package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What happens when either side misbehaves or goes away: never a hang, never a leaked tunnel connection. */
class ProxyFailureTest {

    private ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = new ProxyServer();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertBackendClosingMidResponseClosesTheVisitor(String head, String partialBody) throws Exception {
        try (RawBackend raw = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            write(socket, head + partialBody);
            pause(100);
        })) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                long start = System.nanoTime();
                visitor.send("GET / HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                long received = visitor.drainUntilClosed();
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(millis < 1100, "visitor connection closed after " + millis + " ms");
                assertTrue(received > 0 && received < 100_000, "received " + received);
            }
            assertTrue(proxy.factory.opened.get(0).isClosed());
        }
    }

    @Test
    void backendClosingMidFixedLengthBodyClosesTheVisitorConnectionAtOnce() throws Exception {
        assertBackendClosingMidResponseClosesTheVisitor("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n",
                "x".repeat(1000));
    }

    @Test
    void backendClosingMidChunkedBodyClosesTheVisitorConnectionAtOnce() throws Exception {
        assertBackendClosingMidResponseClosesTheVisitor("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                "3e8\r\n" + "x".repeat(1000) + "\r\n1000\r\nabc");
    }

    @Test
    void closeDelimitedBodyEndsCleanlyWhenTheBackendCloses() throws Exception {
        try (RawBackend raw = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            write(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close");
        })) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET / HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                RawHttp.Response response = visitor.read(false);
                assertEquals(200, response.status());
                assertEquals("until close", response.text());
            }
            assertTrue(proxy.factory.opened.get(0).isClosed());
        }
    }

    @Test
    void visitorVanishingMidUploadClosesTheTunnelConnection() throws Exception {
        try (Backend backend = new Backend()) {
            proxy.factory.register("app-abc12345", backend.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("POST /count HTTP/1.1\r\nHost: app-abc12345.gw.test\r\nContent-Length: 10000000\r\n\r\n");
                visitor.out.write(new byte[200_000]);
                visitor.out.flush();
                waitFor(() -> !proxy.factory.opened.isEmpty());
            }
            waitFor(() -> proxy.factory.opened.get(0).isClosed());
        }
    }

    @Test
    void visitorVanishingMidUploadEndsTheServicesRequest() throws Exception {
        java.util.concurrent.CompletableFuture<Long> serviceSawTheEnd = new java.util.concurrent.CompletableFuture<>();
        try (RawBackend raw = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            long total = 0;
            byte[] buffer = new byte[65536];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                    total += n;
                }
            } finally {
                serviceSawTheEnd.complete(total);
            }
        })) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("POST /upload HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\nContent-Length: 104857600\r\n\r\n");
                visitor.out.write(new byte[4 << 20]);
                visitor.out.flush();
            }
            long received = serviceSawTheEnd.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(received < 104857600, "cut short: " + received);
        }
    }

    @Test
    void malformedResponseIs502() throws Exception {
        try (RawBackend raw = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            write(socket, "SSH-2.0-not-http\r\n\r\n");
            socket.getInputStream().read();
        })) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET / HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\nAccept: application/json\r\n\r\n");
                RawHttp.Response response = visitor.read(false);
                assertEquals(502, response.status());
                assertTrue(response.text().contains("invalid response"), response.text());
            }
            assertTrue(proxy.factory.opened.get(0).isClosed());
        }
    }

    @Test
    void oversizedResponseHeadIs502() throws Exception {
        try (RawBackend raw = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            write(socket, "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n");
            socket.getInputStream().read();
        })) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET / HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                assertEquals(502, visitor.read(false).status());
            }
        }
    }

    @Test
    void backendClosingWithoutAnswerIs502() throws Exception {
        try (RawBackend raw = new RawBackend(RawBackend::readHead)) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET / HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                RawHttp.Response response = visitor.read(false);
                assertEquals(502, response.status());
                assertTrue(response.text().contains("without a response"), response.text());
            }
        }
    }

    /** Answers one request on each connection, keeping it alive, then drops it while idle. */
    private static void answerOnceThenDropWhenIdle(Socket socket) throws IOException {
        RawBackend.readHead(socket);
        write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        pause(100);
    }

    @Test
    void idempotentRequestOnAStaleReusedConnectionIsRetriedOnce() throws Exception {
        try (RawBackend raw = new RawBackend(ProxyFailureTest::answerOnceThenDropWhenIdle)) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET /1 HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                assertEquals("ok", visitor.read(false).text());
                pause(400);
                visitor.send("GET /2 HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                RawHttp.Response retried = visitor.read(false);
                assertEquals(200, retried.status());
                assertEquals("ok", retried.text());
            }
            assertEquals(2, raw.accepted.get());
            assertTrue(proxy.factory.opened.get(0).isReused());
        }
    }

    @Test
    void nonIdempotentRequestOnAStaleReusedConnectionIsNotRetried() throws Exception {
        try (RawBackend raw = new RawBackend(ProxyFailureTest::answerOnceThenDropWhenIdle)) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET /1 HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                assertEquals("ok", visitor.read(false).text());
                pause(400);
                visitor.send("POST /2 HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\nContent-Length: 0\r\n\r\n");
                assertEquals(502, visitor.read(false).status());
            }
            assertEquals(1, raw.accepted.get());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 2 s");
            }
            Thread.sleep(10);
        }
    }
}
