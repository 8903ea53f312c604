package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streams reach the visitor as the service writes them, and the operator's timeouts end what must end. */
class ProxyTimingTest {

    private static final String KEY = "app-abc12345";

    private ProxyServer proxy;

    @AfterEach
    void stop() {
        proxy.close();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads up to and including {@code marker}, returning when it arrived. */
    private static long awaitText(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before '" + marker + "'; got: " + seen);
            }
            seen.append((char) b);
        }
        return System.nanoTime();
    }

    @Test
    void eachServerSentEventReachesTheVisitorWhenItIsSentNotWhenABufferFills() throws Exception {
        proxy = new ProxyServer();
        long[] sentAt = new long[5];
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            OutputStream out = socket.getOutputStream();
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < sentAt.length; i++) {
                pause(300);
                String event = "data: event " + i + "\n\n";
                sentAt[i] = System.nanoTime();
                write(out, Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
            }
            pause(1_000);
            write(out, "0\r\n\r\n");
        }); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            long requested = System.nanoTime();
            visitor.send("GET /events HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nAccept: text/event-stream\r\n\r\n");
            InputStream in = visitor.input();
            long headAt = awaitText(in, "\r\n\r\n");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(headAt - requested) < 250,
                    "the head came before the first event, not with it");
            for (int i = 0; i < sentAt.length; i++) {
                long arrived = awaitText(in, "event " + i);
                long delay = TimeUnit.NANOSECONDS.toMillis(arrived - sentAt[i]);
                assertTrue(delay < 200, "event " + i + " arrived " + delay + " ms after it was sent");
            }
        }
    }

    @Test
    void aServiceThatNeverAnswersGets504AfterTheIdleTimeout() throws Exception {
        proxy = new ProxyServer(Duration.ofMillis(500), Duration.ZERO);
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            socket.getInputStream().read();
        }); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            long start = System.nanoTime();
            visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\n\r\n");
            RawHttp.Response response = visitor.read(false);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, response.status());
            assertTrue(millis >= 450 && millis < 2_000, "answered after " + millis + " ms");
        }
        ProxyUpgradeTest.waitFor(() -> proxy.factory.opened.get(0).isClosed());
    }

    @Test
    void aSlowButSteadyStreamOutlivesTheIdleTimeout() throws Exception {
        proxy = new ProxyServer(Duration.ofMillis(500), Duration.ZERO);
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            OutputStream out = socket.getOutputStream();
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
            for (int i = 0; i < 10; i++) {
                pause(200);
                write(out, Integer.toString(i));
            }
            socket.getInputStream().read();
        }); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\n\r\n");
            RawHttp.Response response = visitor.read(false);
            assertEquals(200, response.status());
            assertEquals("0123456789", response.text());
        }
    }

    @Test
    void theMaximumRequestTimeEndsEvenABusyStream() throws Exception {
        proxy = new ProxyServer(Duration.ZERO, Duration.ofMillis(700));
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            OutputStream out = socket.getOutputStream();
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 50; i++) {
                pause(100);
                write(out, "1\r\nx\r\n");
            }
        }); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            long start = System.nanoTime();
            visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\n\r\n");
            visitor.drainUntilClosed();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 650 && millis < 2_000, "closed after " + millis + " ms");
        }
    }
}
