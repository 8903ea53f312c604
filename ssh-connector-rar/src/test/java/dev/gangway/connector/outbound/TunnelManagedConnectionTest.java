package dev.gangway.connector.outbound;

import dev.gangway.connector.GangwayResourceAdapter;
import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.TunnelKeys;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.ACTIVE_STREAMS;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.BYTES_FROM_SERVICES;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.BYTES_TO_SERVICES;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.CHANNELS_OPENED;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.OPEN_CHANNELS;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.SSH_CONNECTIONS;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.STREAMS;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.TUNNELS;
import static dev.gangway.connector.outbound.GatewayStatisticsPlugin.TUNNEL_LIST;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The outbound JCA classes on a started resource adapter, with the real OpenSSH client holding the tunnel and a real
 * TCP echo service behind it. No container: the test plays the pool's part by listening to connection events.
 */
class TunnelManagedConnectionTest {

    private static final Path SSH = Path.of("/usr/bin/ssh");

    @TempDir
    Path dir;

    private GangwayResourceAdapter adapter;
    private TunnelManagedConnectionFactory factory;
    private ServerSocket echo;
    private final AtomicInteger backendConnections = new AtomicInteger();
    private final List<Process> processes = new ArrayList<>();
    private Path identity;
    private String clientId;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(SSH), "OpenSSH client not installed");
        adapter = new GangwayResourceAdapter();
        adapter.setSshPort(0);
        adapter.setSshBindAddress("127.0.0.1");
        adapter.setBaseUrl("http://gw.test:8080");
        adapter.setHostKeyFile(dir.resolve("host_key").toString());
        adapter.setTlsEnabled(false); // no WildFly here to give the TLS front door its SSL context
        adapter.start(null);
        factory = new TunnelManagedConnectionFactory();
        factory.setResourceAdapter(adapter);
        factory.setChannelOpenTimeoutSeconds(5);

        identity = dir.resolve("id_ed25519");
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", identity.toString())
                .redirectErrorStream(true).start().waitFor());
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        clientId = ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));

        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptEchoConnections, "test-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        processes.forEach(Process::destroyForcibly);
        if (adapter != null) {
            adapter.stop();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void recycledChannelIsReusedAndClosedOneIsReplaced() throws Exception {
        String key = openTunnel("app", echo.getLocalPort());
        TunnelManagedConnection mc = (TunnelManagedConnection) factory.createManagedConnection(null, new TunnelRequestInfo(key));
        List<ConnectionEvent> events = recordEvents(mc);

        TunnelConnection first = (TunnelConnection) mc.getConnection(null, null);
        assertFalse(first.isReused());
        assertEquals("ping", roundTrip(first, "ping"));
        first.recycle();
        assertEquals(ConnectionEvent.CONNECTION_CLOSED, events.get(0).getId());
        assertFailsDetached(first);

        TunnelConnection second = (TunnelConnection) mc.getConnection(null, null);
        assertTrue(second.isReused(), "a recycled channel carries the next exchange");
        assertEquals("pong", roundTrip(second, "pong"));
        assertEquals(1, backendConnections.get(), "one backend connection for both exchanges");
        second.close();

        TunnelConnection third = (TunnelConnection) mc.getConnection(null, null);
        assertFalse(third.isReused(), "a closed channel is never reused");
        assertEquals("again", roundTrip(third, "again"));
        assertEquals(2, backendConnections.get());
        third.close();
        assertEquals(3, events.size());
        mc.destroy();
    }

    @Test
    void sessionDyingUnderAnOpenHandleFailsItsIoAndTheSlotRecovers() throws Exception {
        Process holder = tunnelProcess("app", echo.getLocalPort());
        String key = awaitTunnel("app");
        TunnelManagedConnection mc = (TunnelManagedConnection) factory.createManagedConnection(null, new TunnelRequestInfo(key));
        List<ConnectionEvent> events = recordEvents(mc);
        TunnelConnection inUse = (TunnelConnection) mc.getConnection(null, null);
        assertEquals("x", roundTrip(inUse, "x"));
        CompletableFuture<Integer> pendingRead = new CompletableFuture<>();
        inUse.read(ByteBuffer.allocate(16), callback(pendingRead));

        holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        // The read a web-tier exchange always has pending fails (not a clean end of stream: the service did not end
        // its output), so the exchange ends and closes its handle.
        ExecutionException failed = assertThrows(ExecutionException.class, () -> pendingRead.get(5, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("before the service ended"), failed.getCause().toString());
        assertTrue(events.isEmpty(), "a dead channel is not a broken slot: no connection error for the pool to log");
        inUse.close();
        assertEquals(1, events.size());
        assertEquals(ConnectionEvent.CONNECTION_CLOSED, events.get(0).getId());
        assertFailsDetached(inUse);

        // The client reconnects; the same slot serves the new session.
        openTunnel("app", echo.getLocalPort());
        TunnelConnection again = (TunnelConnection) mc.getConnection(null, null);
        assertEquals("back", roundTrip(again, "back"));
        again.close();
        mc.destroy();
    }

    @Test
    void idleSlotLetsTheEndedSessionOfItsLastChannelGo() throws Exception {
        Process holder = tunnelProcess("app", echo.getLocalPort());
        String key = awaitTunnel("app");
        WeakReference<Object> ended = new WeakReference<>(adapter.directory().find(key).orElseThrow());
        TunnelManagedConnection mc = (TunnelManagedConnection) factory.createManagedConnection(null, new TunnelRequestInfo(key));
        TunnelConnection c = (TunnelConnection) mc.getConnection(null, null);
        assertEquals("x", roundTrip(c, "x"));
        // Back in the pool with its channel, as between two visitor requests; then the client goes away.
        c.recycle();
        c = null;
        holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((adapter.directory().find(key).isPresent() || ended.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        // The slot stays pooled until its idle timeout; the dead session, its tunnel and buffers must not stay with it.
        assertNull(ended.get(), "the idle slot still holds the ended session's tunnel");
        mc.destroy();
    }

    @Test
    void factoryNamesTheReasonForEachFailure() throws Exception {
        TunnelConnectionFactory cf = (TunnelConnectionFactory) factory.createConnectionFactory();
        TunnelException none = assertThrows(TunnelException.class, () -> cf.getConnection("nope-" + clientId));
        assertEquals(TunnelException.Reason.NO_TUNNEL, none.reason());

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String key = openTunnel("down", closedPort);
        long started = System.nanoTime();
        TunnelException refused = assertThrows(TunnelException.class, () -> cf.getConnection(key.toUpperCase()));
        assertEquals(TunnelException.Reason.REFUSED_BY_CLIENT, refused.reason());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "a refusal is reported at once");

        assertTrue(cf.findTunnel(key.toUpperCase()).isPresent(), "keys resolve case-insensitively");
        assertEquals("http://gw.test:8080", cf.settings().baseUrl().toString());
    }

    @Test
    void unpooledFactoryHandsOutWorkingConnections() throws Exception {
        String key = openTunnel("app", echo.getLocalPort());
        TunnelConnectionFactory cf = (TunnelConnectionFactory) factory.createConnectionFactory();
        for (int i = 0; i < 3; i++) {
            try (TunnelConnection c = cf.getConnection(key)) {
                assertEquals(key, c.tunnel().key());
                assertEquals("n" + i, roundTrip(c, "n" + i));
            }
        }
        assertEquals(3, backendConnections.get());
    }

    @Test
    void statisticsFollowConnectionsChannelsStreamsAndBytes() throws Exception {
        StatisticsPlugin stats = factory.getStatistics();
        assertEquals(0, stats.getValue(SSH_CONNECTIONS));
        assertEquals("[]", stats.getValue(TUNNEL_LIST));
        Process holder = tunnelProcess("app", echo.getLocalPort());
        String key = awaitTunnel("app");
        assertEquals(1, stats.getValue(SSH_CONNECTIONS));
        assertEquals(1, stats.getValue(TUNNELS));
        TunnelManagedConnection mc = (TunnelManagedConnection) factory.createManagedConnection(null, new TunnelRequestInfo(key));

        TunnelConnection first = (TunnelConnection) mc.getConnection(null, null);
        assertEquals(1, stats.getValue(ACTIVE_STREAMS));
        assertEquals(1, stats.getValue(OPEN_CHANNELS));
        assertEquals("ping", roundTrip(first, "ping"));
        first.recycle();
        assertEquals(0, stats.getValue(ACTIVE_STREAMS));
        assertEquals(1, stats.getValue(OPEN_CHANNELS), "a recycled channel stays open for the next stream");

        TunnelConnection second = (TunnelConnection) mc.getConnection(null, null);
        assertEquals("pong", roundTrip(second, "pong"));
        second.close();
        assertEquals(0, stats.getValue(ACTIVE_STREAMS));
        awaitValue(stats, OPEN_CHANNELS, 0);
        assertEquals(2L, stats.getValue(STREAMS));
        assertEquals(1L, stats.getValue(CHANNELS_OPENED), "the second stream reused the first channel");
        assertEquals(10L, stats.getValue(BYTES_TO_SERVICES), "two lines of five bytes");
        assertEquals(10L, stats.getValue(BYTES_FROM_SERVICES));
        String list = (String) stats.getValue(TUNNEL_LIST);
        assertTrue(list.contains("\"key\":\"" + key + "\"") && list.contains("\"envId\":\"test\"")
                && list.contains("\"streams\":2") && list.contains("\"bytesToService\":10"), list);

        TunnelConnection third = (TunnelConnection) mc.getConnection(null, null);
        assertEquals(1, stats.getValue(OPEN_CHANNELS));
        holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        awaitValue(stats, SSH_CONNECTIONS, 0);
        awaitValue(stats, OPEN_CHANNELS, 0);
        assertEquals(0, stats.getValue(TUNNELS));
        assertEquals("[]", stats.getValue(TUNNEL_LIST));
        // The stream counts until its holder, whose I/O now fails, closes it.
        assertEquals(1, stats.getValue(ACTIVE_STREAMS));
        third.close();
        assertEquals(0, stats.getValue(ACTIVE_STREAMS));
        third.close();
        assertEquals(0, stats.getValue(ACTIVE_STREAMS), "a second close counts nothing twice");
        mc.destroy();

        stats.clear();
        assertEquals(0L, stats.getValue(STREAMS));
        adapter.stop();
        adapter = null;
        assertEquals(0, stats.getValue(TUNNELS), "a stopped adapter reads as idle, not as an error");
    }

    private static void awaitValue(StatisticsPlugin stats, String name, Object expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!expected.equals(stats.getValue(name)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, stats.getValue(name), name);
    }

    private String openTunnel(String name, int port) throws Exception {
        tunnelProcess(name, port);
        return awaitTunnel(name);
    }

    private Process tunnelProcess(String name, int port) throws IOException {
        Process p = new ProcessBuilder(SSH.toString(), "-N", "-i", identity.toString(), "-p",
                String.valueOf(adapter.sshServer().port()), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes",
                "-R", "/" + name + ":127.0.0.1:" + port, "test@127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("ssh-" + name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private String awaitTunnel(String name) throws InterruptedException {
        String key = TunnelKeys.key(name, clientId);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (adapter.directory().find(key).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "tunnel " + key + " registered in time");
            Thread.sleep(20);
        }
        return key;
    }

    private static List<ConnectionEvent> recordEvents(TunnelManagedConnection mc) {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        mc.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                events.add(event);
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                events.add(event);
            }

            @Override
            public void localTransactionStarted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent event) {
            }
        });
        return events;
    }

    private static String roundTrip(TunnelConnection c, String text) throws Exception {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> written = new CompletableFuture<>();
        c.write(ByteBuffer.wrap(bytes), callback(written));
        written.get(5, TimeUnit.SECONDS);
        ByteBuffer in = ByteBuffer.allocate(bytes.length);
        while (in.hasRemaining()) {
            CompletableFuture<Integer> read = new CompletableFuture<>();
            c.read(in, callback(read));
            assertTrue(read.get(5, TimeUnit.SECONDS) > 0, "echo answered");
        }
        return new String(in.array(), StandardCharsets.UTF_8).trim();
    }

    private static void assertFailsDetached(TunnelConnection c) throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        c.read(ByteBuffer.allocate(8), callback(read));
        assertTrue(read.handle((n, e) -> e instanceof IOException).get(5, TimeUnit.SECONDS), "a detached handle fails at once");
    }

    private static <T> IoCallback<T> callback(CompletableFuture<T> future) {
        return new IoCallback<>() {
            @Override
            public void completed(T result) {
                future.complete(result);
            }

            @Override
            public void failed(Throwable cause) {
                future.completeExceptionally(cause);
            }
        };
    }

    /** Line echo, one thread per connection, counting connections so that reuse is visible. */
    private void acceptEchoConnections() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                backendConnections.incrementAndGet();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        int b;
                        while ((b = in.read()) >= 0) {
                            out.write(b);
                            if (b == '\n') {
                                out.flush();
                            }
                        }
                    } catch (IOException ignored) {
                        // the tunnel closed the connection
                    }
                }, "test-echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }
}
