package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bodies both ways, keep-alive reuse of tunnel connections, bodiless responses, and large streams. */
class ProxyStreamingTest {

    private static final int BIG = 50 * 1024 * 1024;

    private Backend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new Backend();
        proxy = new ProxyServer();
        proxy.factory.register("app-abc12345", backend.address());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void fixedLengthBodyGoesAndComesBackWithItsLength() throws Exception {
        try (RawHttp visitor = proxy.raw()) {
            visitor.send("POST /echo HTTP/1.1\r\nHost: app-abc12345.gw.test\r\nContent-Length: 11\r\n\r\nhello world");
            RawHttp.Response response = visitor.read(false);
            assertEquals(200, response.status());
            assertEquals("hello world", response.text());
            assertEquals("length:11", response.header("X-Request-Framing"));
            assertEquals("11", response.header("Content-Length"));
            // The backend's hop-by-hop header, and the one its Connection header named, stop at the proxy.
            assertNull(response.header("X-Hop"));
        }
    }

    @Test
    void chunkedBodyIsRechunkedForTheServiceAndItsChunkedAnswerDecodedForTheVisitor() throws Exception {
        try (RawHttp visitor = proxy.raw()) {
            visitor.send("POST /echo HTTP/1.1\r\nHost: app-abc12345.gw.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nhello \r\n5;x=y\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");
            RawHttp.Response response = visitor.read(false);
            assertEquals(200, response.status());
            assertEquals("hello world", response.text());
            assertEquals("chunked:chunked", response.header("X-Request-Framing"));
            assertEquals("chunked", response.header("Transfer-Encoding"));
        }
    }

    @Test
    void keepAliveReusesTheTunnelConnection() throws Exception {
        try (RawHttp visitor = proxy.raw()) {
            for (int i = 0; i < 3; i++) {
                visitor.send("GET /headers HTTP/1.1\r\nHost: app-abc12345.gw.test\r\n\r\n");
                assertEquals(200, visitor.read(false).status());
            }
        }
        // A separate visitor connection gets the pooled channel too.
        assertEquals(200, proxy.client.send(HttpRequest.newBuilder(proxy.url("/proxy/app-abc12345/headers")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(1, proxy.factory.opened.size());
        SocketTunnelFactory.SocketTunnelConnection connection = proxy.factory.opened.get(0);
        assertEquals(4, connection.exchanges);
        // The visitor may have the whole response a moment before the exchange hands its connection back.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (connection.recycles < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(4, connection.recycles);
        assertTrue(connection.isReused());
        assertFalse(connection.isClosed());
    }

    @Test
    void bodilessResponsesEndOnTheirHeadAndKeepTheConnectionsUsable() throws Exception {
        try (RawHttp visitor = proxy.raw()) {
            visitor.send("GET /status?code=204 HTTP/1.1\r\nHost: app-abc12345.gw.test\r\n\r\n");
            assertEquals(204, visitor.read(false).status());
            visitor.send("GET /status?code=304 HTTP/1.1\r\nHost: app-abc12345.gw.test\r\nIf-None-Match: \"v1\"\r\n\r\n");
            RawHttp.Response notModified = visitor.read(false);
            assertEquals(304, notModified.status());
            assertEquals("\"v1\"", notModified.header("ETag"));
            visitor.send("GET /headers HTTP/1.1\r\nHost: app-abc12345.gw.test\r\n\r\n");
            assertEquals(200, visitor.read(false).status());
        }
        assertEquals(1, proxy.factory.opened.size());
    }

    @Test
    void headResponseKeepsTheLengthButCarriesNoBody() throws Exception {
        try (RawBackend raw = new RawBackend(ProxyStreamingTest::headThenGet)) {
            proxy.factory.register("head-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("HEAD /file HTTP/1.1\r\nHost: head-abc12345.gw.test\r\n\r\n");
                RawHttp.Response head = visitor.read(true);
                assertEquals(200, head.status());
                assertEquals("1234", head.header("Content-Length"));
                visitor.send("GET /file HTTP/1.1\r\nHost: head-abc12345.gw.test\r\n\r\n");
                assertEquals("ok", visitor.read(false).text());
            }
            assertEquals(1, raw.accepted.get());
        }
    }

    private static void headThenGet(Socket socket) throws IOException {
        while (true) {
            String head = RawBackend.readHead(socket);
            String response = head.startsWith("HEAD")
                    ? "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
            socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        try (RawBackend raw = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            socket.getOutputStream().write(("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                    + "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone").getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().read();
        })) {
            proxy.factory.register("raw-abc12345", raw.address());
            try (RawHttp visitor = proxy.raw()) {
                visitor.send("GET / HTTP/1.1\r\nHost: raw-abc12345.gw.test\r\n\r\n");
                RawHttp.Response response = visitor.read(false);
                assertEquals(201, response.status());
                assertEquals("done", response.text());
            }
        }
    }

    @Test
    void largeChunkedUploadStreamsWithoutBufferingTheBody() throws Exception {
        HeapWatch heap = HeapWatch.start();
        MessageDigest expected = Backend.sha256();
        HttpResponse<String> response = proxy.client.send(HttpRequest.newBuilder(proxy.url("/proxy/app-abc12345/count"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(BIG, expected))).build(),
                HttpResponse.BodyHandlers.ofString());
        long peak = heap.stop();
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(BIG + " " + HexFormat.of().formatHex(expected.digest()), response.body());
        assertTrue(peak < BIG, "peak heap " + peak);
    }

    @Test
    void largeFixedLengthUploadStreams() throws Exception {
        MessageDigest expected = Backend.sha256();
        HttpResponse<String> response = proxy.client.send(HttpRequest.newBuilder(proxy.url("/proxy/app-abc12345/count"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(BIG, expected)), BIG))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(BIG + " " + HexFormat.of().formatHex(expected.digest()), response.body());
    }

    @Test
    void largeDownloadsStreamWithLengthAndChunked() throws Exception {
        for (String query : new String[] {"n=" + BIG, "n=" + BIG + "&chunked"}) {
            HeapWatch heap = HeapWatch.start();
            HttpResponse<InputStream> response = proxy.client.send(HttpRequest.newBuilder(
                    proxy.url("/proxy/app-abc12345/big?" + query)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            long received = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = response.body()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] != Backend.patternByte(received + i)) {
                            throw new AssertionError("wrong byte at " + (received + i));
                        }
                    }
                    received += n;
                }
            }
            long peak = heap.stop();
            assertEquals(BIG, received, query);
            assertTrue(peak < BIG, "peak heap " + peak);
        }
    }

    @Test
    void manySmallExchangesInARowLeakNoConnections() throws Exception {
        for (int i = 0; i < 200; i++) {
            byte[] body = ("body " + i).getBytes(StandardCharsets.UTF_8);
            HttpResponse<byte[]> response = proxy.client.send(HttpRequest.newBuilder(proxy.url("/proxy/app-abc12345/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(body, response.body());
        }
        assertEquals(1, proxy.factory.opened.size());
    }

    /** The generated pattern as a stream, digesting what it hands out. */
    static final class PatternStream extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long position;

        PatternStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = Backend.patternByte(position + i);
            }
            digest.update(b, off, n);
            position += n;
            return n;
        }
    }

    /** Samples the used heap while a transfer runs and reports the peak. */
    static final class HeapWatch {
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;
        private final Thread sampler;

        private HeapWatch() {
            sampler = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watch");
            sampler.setDaemon(true);
        }

        static HeapWatch start() {
            System.gc();
            HeapWatch watch = new HeapWatch();
            watch.sampler.start();
            return watch;
        }

        long stop() throws InterruptedException {
            running = false;
            sampler.join();
            return peak.get();
        }
    }
}
