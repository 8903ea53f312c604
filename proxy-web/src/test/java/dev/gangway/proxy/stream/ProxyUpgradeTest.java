package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Upgrades through a real Undertow and real sockets: the handshake reaches the service with its upgrade pair, the
 * service's 101 reaches the visitor, and then raw bytes pass both ways as they come, with half-close carried through
 * and the tunnel connection closed at the end.
 */
class ProxyUpgradeTest {

    private static final String KEY = "ws-abc12345";

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

    private static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    /**
     * A service that accepts an upgrade, sends a greeting in the same packet as its 101, echoes until the visitor's
     * EOF, then says goodbye and closes: what a half-closing protocol on top of an upgrade looks like.
     */
    private static RawBackend echoingUpgradeService(BlockingQueue<String> heads, String status) throws IOException {
        return new RawBackend(socket -> {
            String head = RawBackend.readHead(socket);
            heads.add(head);
            String protocol = head.toLowerCase().contains("upgrade: tcp") ? "tcp" : "websocket";
            if (protocol.equals("tcp")) {
                int length = Integer.parseInt(head.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
                heads.add(read(socket.getInputStream(), length));
            }
            write(socket.getOutputStream(), "HTTP/1.1 101 " + status + "\r\nConnection: Upgrade\r\nUpgrade: "
                    + protocol + "\r\nX-Service: yes\r\n\r\nhello");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                socket.getOutputStream().write(buffer, 0, n);
                socket.getOutputStream().flush();
            }
            write(socket.getOutputStream(), "bye");
        });
    }

    @Test
    void webSocketHandshakeIsForwardedAndBytesFlowBothWaysWithHalfClose() throws Exception {
        proxy = new ProxyServer();
        BlockingQueue<String> heads = new ArrayBlockingQueue<>(4);
        try (RawBackend service = echoingUpgradeService(heads, "Switching Protocols");
             RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            visitor.send("GET /chat HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nConnection: keep-alive, Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Response switched = visitor.read(false);
            assertEquals(101, switched.status());
            assertEquals("websocket", switched.header("Upgrade"));
            assertEquals("Upgrade", switched.header("Connection"));
            assertEquals("yes", switched.header("X-Service"));

            String head = heads.poll(5, TimeUnit.SECONDS);
            assertTrue(head.startsWith("GET /chat HTTP/1.1\r\n"), head);
            assertTrue(head.contains("\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"), head);
            assertTrue(head.contains("\r\nX-Forwarded-Proto: ws\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), head);

            InputStream in = visitor.input();
            assertEquals("hello", read(in, 5), "bytes the service sent with its 101 come first");
            for (int i = 0; i < 20; i++) {
                String message = "message " + i;
                write(visitor.out, message);
                assertEquals(message, read(in, message.length()));
            }
            visitor.socket.shutdownOutput();
            assertEquals("bye", read(in, 3), "the service saw the visitor's EOF and could still answer");
            assertEquals(-1, in.read(), "the service's close reaches the visitor");
        }
        waitFor(() -> proxy.factory.opened.get(0).isClosed());
    }

    @Test
    void tcpUpgradeCarriesTheRequestBodyThenRawBytes() throws Exception {
        proxy = new ProxyServer();
        BlockingQueue<String> heads = new ArrayBlockingQueue<>(4);
        try (RawBackend service = echoingUpgradeService(heads, "UPGRADED");
             RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            String body = "{\"Detach\":false,\"Tty\":false}";
            visitor.send("POST /v1.43/exec/abc/start HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nConnection: Upgrade\r\n"
                    + "Upgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body);
            RawHttp.Response switched = visitor.read(false);
            assertEquals(101, switched.status());
            assertEquals("tcp", switched.header("Upgrade"));
            String head = heads.poll(5, TimeUnit.SECONDS);
            assertTrue(head.contains("\r\nX-Forwarded-Proto: http\r\n"), head);
            assertEquals(body, heads.poll(5, TimeUnit.SECONDS));

            InputStream in = visitor.input();
            assertEquals("hello", read(in, 5));
            byte[] binary = new byte[256 * 1024];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) (i * 31);
            }
            Thread writer = new Thread(() -> {
                try {
                    visitor.out.write(binary);
                    visitor.out.flush();
                    visitor.socket.shutdownOutput();
                } catch (IOException ignored) {
                    // the assertion below reports it
                }
            });
            writer.start();
            assertArrayEquals(binary, in.readNBytes(binary.length));
            writer.join(5_000);
            assertEquals("bye", read(in, 3));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void theServiceEndingItsSideFirstStillGetsWhatTheVisitorSendsAfterAndItsEnd() throws Exception {
        proxy = new ProxyServer();
        BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            write(socket.getOutputStream(), "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                    + "greeting");
            socket.shutdownOutput();
            received.add(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        }); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            assertEquals(101, visitor.read(false).status());
            assertEquals("greeting", new String(visitor.input().readAllBytes(), StandardCharsets.ISO_8859_1),
                    "the service's end reaches the visitor as end of stream");
            write(visitor.out, "late ");
            write(visitor.out, "words");
            visitor.socket.shutdownOutput();
            assertEquals("late words", received.poll(5, TimeUnit.SECONDS));
        }
        waitFor(() -> proxy.factory.opened.get(0).isClosed());
    }

    @Test
    void aRefusedHandshakeIsAnOrdinaryResponse() throws Exception {
        proxy = new ProxyServer();
        try (RawBackend service = new RawBackend(socket -> {
            RawBackend.readHead(socket);
            write(socket.getOutputStream(), "HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\nno way");
            socket.getInputStream().read();
        }); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            RawHttp.Response refused = visitor.read(false);
            assertEquals(403, refused.status());
            assertEquals("no way", refused.text());
        }
        waitFor(() -> proxy.factory.opened.get(0).isClosed());
    }

    @Test
    void anUpgradeToAnotherProtocolIsRefusedWithAnHttpError() throws Exception {
        proxy = new ProxyServer();
        try (RawBackend service = new RawBackend(RawBackend::readHead); RawHttp visitor = proxy.raw()) {
            proxy.factory.register(KEY, service.address());
            visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nConnection: Upgrade\r\nUpgrade: IRC/6.9\r\n"
                    + "Accept: application/json\r\n\r\n");
            RawHttp.Response refused = visitor.read(false);
            assertEquals(501, refused.status());
            assertTrue(refused.text().startsWith("{\"message\":"), refused.text());
            assertEquals(0, service.accepted.get(), "the service never saw it");
        }
    }

    @Test
    void aSilentUpgradedStreamIsClosedAfterTheIdleTimeoutButATalkingOneIsNot() throws Exception {
        proxy = new ProxyServer(Duration.ofMillis(600), Duration.ZERO);
        BlockingQueue<String> heads = new ArrayBlockingQueue<>(8);
        try (RawBackend service = echoingUpgradeService(heads, "Switching Protocols")) {
            proxy.factory.register(KEY, service.address());
            try (RawHttp talking = proxy.raw()) {
                upgrade(talking);
                // Pings every 200 ms for three idle timeouts: never idle, never closed.
                for (int i = 0; i < 9; i++) {
                    Thread.sleep(200);
                    write(talking.out, "p");
                    assertEquals("p", read(talking.input(), 1));
                }
            }
            try (RawHttp silent = proxy.raw()) {
                upgrade(silent);
                long start = System.nanoTime();
                assertEquals(-1, silent.input().read(), "closed by the gateway");
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= 500 && millis < 2_000, "closed after " + millis + " ms");
            }
        }
        waitFor(() -> proxy.factory.opened.stream().allMatch(SocketTunnelFactory.SocketTunnelConnection::isClosed));
    }

    private static void upgrade(RawHttp visitor) throws IOException {
        visitor.send("GET / HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertEquals(101, visitor.read(false).status());
        assertEquals("hello", read(visitor.input(), 5));
    }

    @Test
    void theVisitorVanishingClosesTheTunnelConnection() throws Exception {
        proxy = new ProxyServer();
        BlockingQueue<String> heads = new ArrayBlockingQueue<>(4);
        try (RawBackend service = echoingUpgradeService(heads, "Switching Protocols")) {
            proxy.factory.register(KEY, service.address());
            try (RawHttp visitor = proxy.raw()) {
                upgrade(visitor);
                visitor.socket.setSoLinger(true, 0); // a reset, as a vanished client's kernel would send
            }
            waitFor(() -> proxy.factory.opened.get(0).isClosed());
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 3 s");
            }
            Thread.sleep(10);
        }
    }
}
