package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 visitors over TLS, through a real Undertow HTTPS listener with HTTP/2 on (as WildFly's {@code gangway-https})
 * and the JDK's HTTP/2 client: the service still gets HTTP/1.1, nothing HTTP/2-specific leaks either way, bodies
 * stream both ways under HTTP/2 flow control, and the many streams of one connection each get their tunnel connection
 * closed when the visitor goes.
 */
class ProxyHttp2Test {

    private static final String KEY = "h2-abc12345";

    private ProxyServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private URI tunnelUrl(String path) {
        return proxy.url("/proxy/" + KEY + path);
    }

    @Test
    void anHttp2RequestReachesTheServiceAsHttp11AndItsResponseAsHttp2() throws Exception {
        proxy = ProxyServer.https();
        BlockingQueue<String> heads = new ArrayBlockingQueue<>(4);
        try (RawBackend service = new RawBackend(socket -> {
            heads.add(RawBackend.readHead(socket));
            // Framing and connection headers an HTTP/1.1 service sends, none of which HTTP/2 allows (RFC 9113 §8.2.2).
            write(socket.getOutputStream(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Service: yes\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            socket.getInputStream().read();
        })) {
            proxy.factory.register(KEY, service.address());
            HttpResponse<String> response = proxy.client.send(HttpRequest.newBuilder(tunnelUrl("/x?y=1"))
                    .header("X-Visitor", "v").build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(HttpClient.Version.HTTP_2, response.version());
            assertEquals(200, response.statusCode());
            assertEquals("hello", response.body());
            assertEquals("yes", response.headers().firstValue("x-service").orElse(null));
            for (String connectionSpecific : new String[] {"connection", "keep-alive", "transfer-encoding"}) {
                assertFalse(response.headers().firstValue(connectionSpecific).isPresent(),
                        connectionSpecific + " reached an HTTP/2 visitor: " + response.headers().map());
            }
            String head = heads.poll(5, TimeUnit.SECONDS);
            assertTrue(head.startsWith("GET /x?y=1 HTTP/1.1\r\n"), head);
            assertFalse(head.contains("\r\n:"), "a pseudo-header reached the service: " + head);
            String lower = head.toLowerCase();
            assertTrue(lower.contains("\r\nhost: 127.0.0.1:" + proxy.address().getPort() + "\r\n"), head);
            assertTrue(lower.contains("\r\nx-visitor: v\r\n"), head);
            assertTrue(lower.contains("\r\nx-forwarded-proto: https\r\n"), head);
            assertTrue(lower.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), head);
            assertFalse(lower.contains("transfer-encoding"), "a GET that ended with its headers has no body: " + head);
        }
    }

    @Test
    void largeBodiesStreamBothWaysWithoutContentLength() throws Exception {
        proxy = ProxyServer.https();
        long size = 24L * 1024 * 1024;
        try (Backend backend = new Backend()) {
            proxy.factory.register(KEY, backend.address());
            // Upload: an HTTP/2 body of unknown length (no Content-Length, DATA frames until the stream ends).
            MessageDigest sent = Backend.sha256();
            HttpResponse<String> upload = proxy.client.send(HttpRequest.newBuilder(tunnelUrl("/count"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ProxyStreamingTest.PatternStream(size, sent))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, upload.version());
            assertEquals(size + " " + HexFormat.of().formatHex(sent.digest()), upload.body());

            // Download: a chunked response, re-framed as HTTP/2 DATA frames.
            HttpResponse<InputStream> download = proxy.client.send(HttpRequest.newBuilder(
                    tunnelUrl("/big?n=" + size + "&chunked")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(HttpClient.Version.HTTP_2, download.version());
            long offset = 0;
            try (InputStream in = download.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] != Backend.patternByte(offset + i)) {
                            throw new AssertionError("wrong byte at offset " + (offset + i));
                        }
                    }
                    offset += n;
                }
            }
            assertEquals(size, offset);
        }
    }

    @Test
    void everyStreamOfAClosedHttp2ConnectionClosesItsTunnelConnection() throws Exception {
        proxy = ProxyServer.https();
        BlockingQueue<String> arrived = new ArrayBlockingQueue<>(4);
        try (RawBackend service = new RawBackend(socket -> {
            arrived.add(RawBackend.readHead(socket));
            socket.getInputStream().read(); // never answers; ends when the proxy closes the connection
        }); CuttableRelay relay = new CuttableRelay(proxy.address())) {
            proxy.factory.register(KEY, service.address());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(TestTls.client()).build();
            // Through the relay, whose port differs: the certificate names the address, not the port.
            String base = "https://127.0.0.1:" + relay.port() + "/proxy/" + KEY;
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/first")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertTrue(arrived.poll(10, TimeUnit.SECONDS).startsWith("GET /first "));
            // The connection is up: the second request goes as a second stream on it.
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/second")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertTrue(arrived.poll(10, TimeUnit.SECONDS).startsWith("GET /second "));
            assertEquals(1, relay.accepted(), "both requests on one HTTP/2 connection");
            assertEquals(2, proxy.factory.opened.size());

            relay.cut();

            ProxyUpgradeTest.waitFor(() -> proxy.factory.opened.stream().allMatch(
                    SocketTunnelFactory.SocketTunnelConnection::isClosed));
        }
    }

    /**
     * A reset stream (RST_STREAM: a cancelled fetch, a navigation away) leaves its HTTP/2 connection up, so no close
     * watch fires; Undertow closes the stream's channel, and the proxy notices at its next write to it. An event
     * stream whose service stays silent keeps its tunnel connection until the next event or the idle timeout.
     */
    @Test
    void aStreamTheVisitorResetsClosesItsTunnelConnectionAtTheNextEvent() throws Exception {
        proxy = ProxyServer.https();
        CountDownLatch reset = new CountDownLatch(1);
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            OutputStream out = socket.getOutputStream();
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "7\r\ndata: 1\r\n");
            try {
                reset.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            write(out, "7\r\ndata: 2\r\n");
            socket.getInputStream().read();
        })) {
            proxy.factory.register(KEY, service.address());
            HttpResponse<InputStream> response = proxy.client.send(HttpRequest.newBuilder(tunnelUrl("/events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            InputStream body = response.body();
            assertEquals("data: 1", new String(body.readNBytes(7), StandardCharsets.US_ASCII));
            // Closing the body before its end makes the JDK's client send RST_STREAM (CANCEL) for the stream.
            body.close();
            Thread.sleep(200);
            reset.countDown();

            ProxyUpgradeTest.waitFor(() -> proxy.factory.opened.get(0).isClosed());
        }
    }
}
