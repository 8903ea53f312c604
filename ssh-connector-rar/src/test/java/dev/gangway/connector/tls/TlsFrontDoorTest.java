package dev.gangway.connector.tls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SNIHostName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front door with real sockets on loopback: HTTPS passed through untouched (a real TLS server behind a PROXY line
 * parser answers the JDK client), and every kind of bad start dropped within its bound, holding no thread.
 */
class TlsFrontDoorTest {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    private static SSLContext backendContext;
    private static SSLContext sshContext;
    private ServerSocket backend;
    private TlsFrontDoor frontDoor;
    private TestTls.FixedSources sources;
    private final AtomicInteger sshHandoffs = new AtomicInteger();
    private final AtomicInteger toHttps = new AtomicInteger();
    private final AtomicInteger toSsh = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final TlsEvents events = new TlsEvents() {
        @Override
        public void routed(TlsRoute route) {
            (route == TlsRoute.SSH ? toSsh : toHttps).incrementAndGet();
        }

        @Override
        public void refused() {
            refused.incrementAndGet();
        }
    };
    private final List<Socket> clients = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        backendContext = TestTls.serverContext(dir, "backend.test");
        sshContext = TestTls.serverContext(dir, "ssh.test");
    }

    @BeforeEach
    void start() throws Exception {
        backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        sources = new TestTls.FixedSources(sshContext,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), backend.getLocalPort()));
        frontDoor = new TlsFrontDoor(new TlsSettings("127.0.0.1", 0, "testSSC", "test-https", List.of(), HANDSHAKE_TIMEOUT),
                sources, channel -> {
                    sshHandoffs.incrementAndGet();
                    channel.close();
                }, events);
        frontDoor.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        frontDoor.stop();
        backend.close();
    }

    @Test
    void httpsReachesTheBackendUntouchedAfterAProxyLine() throws Exception {
        CompletableFuture<String> proxyLine = new CompletableFuture<>();
        CompletableFuture<String> request = new CompletableFuture<>();
        serveOneTls(proxyLine, socket -> {
            byte[] got = new byte[5];
            new java.io.DataInputStream(socket.getInputStream()).readFully(got);
            request.complete(new String(got, StandardCharsets.US_ASCII));
            socket.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        });

        SSLSocket client = tlsClient("web.example", "h2", "http/1.1");
        client.startHandshake();
        // The certificate is the backend's: the front door did not terminate this TLS.
        assertEquals("CN=backend.test",
                ((X509Certificate) client.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        assertEquals("hello", request.get(5, TimeUnit.SECONDS));
        byte[] answer = new byte[5];
        new java.io.DataInputStream(client.getInputStream()).readFully(answer);
        assertEquals("world", new String(answer, StandardCharsets.US_ASCII));
        assertEquals("PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " " + frontDoor.port(),
                proxyLine.get(5, TimeUnit.SECONDS));
        assertEquals(0, sshHandoffs.get());
        assertEquals(1, toHttps.get());
        assertEquals(0, refused.get());
    }

    @Test
    void aLargeHelloInManyRecordsArrivesByteForByteAfterTheProxyLine() throws Exception {
        byte[] hello = largeHello("web.example", 9000, 700);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Socket raw = backend.accept()) {
                raw.setSoTimeout(5000);
                InputStream in = raw.getInputStream();
                while (in.read() != '\n') {
                    // the PROXY line, checked in the test above
                }
                received.complete(in.readNBytes(hello.length));
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        }, "test-raw-backend");
        thread.setDaemon(true);
        thread.start();
        Socket client = plainClient();
        client.getOutputStream().write(hello);
        assertArrayEquals(hello, received.get(5, TimeUnit.SECONDS));
    }

    /** A ClientHello with an SNI and a padding extension of {@code padding} bytes, in records of {@code record}. */
    private static byte[] largeHello(String sni, int padding, int record) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        byte[] name = sni.getBytes(StandardCharsets.US_ASCII);
        int sniLength = name.length + 5;
        ext.writeBytes(new byte[] {0, 0, (byte) (sniLength >> 8), (byte) sniLength, 0, (byte) (name.length + 3), 0,
                0, (byte) name.length});
        ext.writeBytes(name);
        ext.writeBytes(new byte[] {0, 21, (byte) (padding >> 8), (byte) padding});
        ext.writeBytes(new byte[padding]);
        byte[] extensions = ext.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(new byte[32]);
        body.writeBytes(new byte[] {0, 0, 2, 0x13, 1, 1, 0, (byte) (extensions.length >> 8), (byte) extensions.length});
        body.writeBytes(extensions);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.writeBytes(new byte[] {1, 0, (byte) (b.length >> 8), (byte) b.length});
        handshake.writeBytes(b);
        byte[] h = handshake.toByteArray();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int at = 0; at < h.length; at += record) {
            int n = Math.min(record, h.length - at);
            records.writeBytes(new byte[] {22, 3, 1, (byte) (n >> 8), (byte) n});
            records.write(h, at, n);
        }
        return records.toByteArray();
    }

    @Test
    void megabytesCrossTheSpliceBothWaysWithHalfClose() throws Exception {
        int size = 8 * 1024 * 1024;
        CompletableFuture<String> proxyLine = new CompletableFuture<>();
        serveOneTls(proxyLine, socket -> {
            // Echo until the client's close_notify, then close: the whole upload comes back.
            socket.getInputStream().transferTo(socket.getOutputStream());
        });
        SSLSocket client = tlsClient("web.example", "http/1.1");
        client.startHandshake();
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i % 251);
        }
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = client.getOutputStream();
                for (int at = 0; at < size; at += 65536) {
                    out.write(data, at, Math.min(65536, size - at));
                }
                out.flush();
                client.shutdownOutput(); // TLS 1.3 close_notify, then the TCP half-close through the splice
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ByteArrayOutputStream back = new ByteArrayOutputStream(size);
        client.setSoTimeout(20_000);
        client.getInputStream().transferTo(back);
        sent.get(20, TimeUnit.SECONDS);
        assertArrayEquals(data, back.toByteArray());
    }

    @Test
    void aVisitorLingeringAfterTheListenerClosedIsClosedAfterTheLinger() throws Exception {
        frontDoor.stop();
        frontDoor = new TlsFrontDoor(new TlsSettings("127.0.0.1", 0, "testSSC", "test-https", List.of(), HANDSHAKE_TIMEOUT),
                sources, channel -> channel.close(), events);
        frontDoor.halfCloseLinger(Duration.ofMillis(700));
        frontDoor.start();
        Thread server = new Thread(() -> {
            try (Socket raw = backend.accept()) {
                raw.getInputStream().read(new byte[256]); // the PROXY line and the hello
                raw.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII)); // then a full close
            } catch (IOException ignored) {
                // the assertions tell
            }
        }, "test-closing-backend");
        server.setDaemon(true);
        server.start();
        Socket visitor = plainClient();
        visitor.getOutputStream().write(TestTls.clientHello("web.example", List.of("http/1.1")));
        visitor.setSoTimeout(5000);
        assertEquals("bye", new String(visitor.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        // The visitor now says nothing and keeps its side open: one direction's buffer is back, the other waits.
        long lingerStarted = System.nanoTime();
        awaitPooled(1, Duration.ofSeconds(2));
        awaitPooled(2, Duration.ofSeconds(3));
        assertTrue(System.nanoTime() - lingerStarted >= TimeUnit.MILLISECONDS.toNanos(500), "closed before the linger");
    }

    private void awaitPooled(int expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (frontDoor.pooledBuffers() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pooled buffers: " + frontDoor.pooledBuffers() + ", expected " + expected);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aDeadBackendDisconnectsTheVisitorAtOnce() throws Exception {
        backend.close();
        long started = System.nanoTime();
        SSLSocket client = tlsClient("web.example", "h2");
        assertThrows(IOException.class, client::startHandshake);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "closed without waiting for a timeout");
    }

    @Test
    void plainHttpIsDroppedAtOnce() throws Exception {
        Socket socket = plainClient();
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertClosedWithin(socket, Duration.ofMillis(500));
        assertEquals(1, refused.get());
        assertEquals(0, toHttps.get() + toSsh.get());
    }

    @Test
    void aGarbledHelloIsDroppedAtOnce() throws Exception {
        byte[] hello = TestTls.clientHello("x.example", List.of("ssh"));
        hello[5 + 4 + 2 + 32] = (byte) 0xff; // a session id length past the end
        Socket socket = plainClient();
        socket.getOutputStream().write(hello);
        assertClosedWithin(socket, Duration.ofMillis(500));
    }

    @Test
    void anOversizeHelloIsDroppedWithoutReadingItAll() throws Exception {
        Socket socket = plainClient();
        // A handshake header declaring a 64 KiB ClientHello.
        socket.getOutputStream().write(new byte[] {22, 3, 1, 0x40, 0, 1, 1, 0, 0});
        assertClosedWithin(socket, Duration.ofMillis(500));
    }

    @Test
    void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        long started = System.nanoTime();
        Socket socket = plainClient();
        assertClosedWithin(socket, HANDSHAKE_TIMEOUT.plusSeconds(2));
        long elapsed = System.nanoTime() - started;
        assertTrue(elapsed >= HANDSHAKE_TIMEOUT.toNanos() - TimeUnit.MILLISECONDS.toNanos(50), "too early: " + elapsed);
    }

    @Test
    void aHalfSentHelloIsDroppedAfterTheHandshakeTimeout() throws Exception {
        byte[] hello = TestTls.clientHello("x.example", List.of("h2"));
        Socket socket = plainClient();
        socket.getOutputStream().write(hello, 0, hello.length / 2);
        long started = System.nanoTime();
        assertClosedWithin(socket, HANDSHAKE_TIMEOUT.plusSeconds(2));
        assertTrue(System.nanoTime() - started >= HANDSHAKE_TIMEOUT.toNanos() / 2);
    }

    @Test
    void sslSocketsThatStallMidHandshakeOnTheSshRouteAreDropped() throws Exception {
        // ALPN ssh, hello complete, then nothing: the handshake deadline covers the TLS handshake too.
        byte[] hello = TestTls.clientHello("x.example", List.of("ssh"));
        Socket socket = plainClient();
        socket.getOutputStream().write(hello);
        assertClosedWithin(socket, HANDSHAKE_TIMEOUT.plusSeconds(2));
        assertEquals(0, sshHandoffs.get());
        assertEquals(1, toSsh.get());
        assertEquals(1, refused.get());
    }

    @Test
    void theServersOwnSlownessDoesNotCountAgainstTheClient() throws Exception {
        // Choosing the key takes longer than the whole handshake timeout (Elytron making its certificate).
        sources.rotate(TestTls.slowServerContext(dir, "slow.test", HANDSHAKE_TIMEOUT.toMillis() + 500));
        SSLSocket client = tlsClient("x.example", "ssh");
        client.startHandshake();
        assertEquals("ssh", client.getApplicationProtocol());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (sshHandoffs.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, sshHandoffs.get());
        assertEquals(0, refused.get());
    }

    @Test
    void manyStalledConnectionsHoldNoThread() throws Exception {
        int before = threadsNamed("gangway-tls");
        for (int i = 0; i < 100; i++) {
            plainClient().getOutputStream().write(new byte[] {22, 3, 1});
        }
        Thread.sleep(200);
        assertEquals(before, threadsNamed("gangway-tls"));
        for (int i = 0; i < 100; i++) {
            assertClosedWithin(clients.get(i), HANDSHAKE_TIMEOUT.plusSeconds(3));
        }
    }

    @Test
    void stopLeavesNoThreadAndFreesThePort() throws Exception {
        int port = frontDoor.port();
        plainClient();
        assertTrue(threadsNamed("gangway-tls") > 0);
        frontDoor.stop();
        assertEquals(0, threadsNamed("gangway-tls"));
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        assertClosedWithin(clients.get(0), Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------- helpers

    interface TlsService {
        void serve(SSLSocket socket) throws IOException;
    }

    /** One connection on the backend: the PROXY line read byte by byte, then a TLS server over the same socket. */
    private void serveOneTls(CompletableFuture<String> proxyLine, TlsService service) {
        Thread thread = new Thread(() -> {
            try (Socket raw = backend.accept()) {
                InputStream in = raw.getInputStream();
                StringBuilder line = new StringBuilder();
                for (int b; (b = in.read()) != '\n'; ) {
                    if (b < 0) {
                        throw new IOException("no PROXY line");
                    }
                    line.append((char) b);
                }
                proxyLine.complete(line.toString().replace("\r", ""));
                try (SSLSocket tls = (SSLSocket) backendContext.getSocketFactory().createSocket(raw, null, true)) {
                    tls.setUseClientMode(false);
                    service.serve(tls);
                }
            } catch (IOException e) {
                proxyLine.completeExceptionally(e);
            }
        }, "test-tls-backend");
        thread.setDaemon(true);
        thread.start();
    }

    private SSLSocket tlsClient(String sni, String... alpn) throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), frontDoor.port());
        clients.add(socket);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(alpn);
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private Socket plainClient() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), frontDoor.port());
        clients.add(socket);
        return socket;
    }

    /** The server closed the connection: a read ends (EOF or reset) before {@code within}. */
    static void assertClosedWithin(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // whatever the server sent before closing (an alert) is fine
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + within);
        } catch (IOException e) {
            assertFalse(e instanceof SocketTimeoutException);
        }
    }

    static int threadsNamed(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
