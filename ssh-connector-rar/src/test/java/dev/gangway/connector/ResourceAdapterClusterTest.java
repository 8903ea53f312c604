package dev.gangway.connector;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.outbound.TunnelManagedConnectionFactory;
import dev.gangway.connector.outbound.TunnelRequestInfo;
import dev.gangway.connector.peer.PeerBinding;
import dev.gangway.connector.ssh.OpenSsh;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.InMemoryTunnelCluster;
import dev.gangway.connector.tunnel.TunnelKeys;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster through the adapter's own entry points, as the web tier uses them: {@code useTunnelCluster} on the
 * connection factory, then {@code findTunnel}, {@code getConnection} (with channel reuse across exchanges), {@code
 * tunnels()} and {@code disconnectKey} answering cluster-wide; a cluster registered before the start, a restart, and
 * a node without a secret.
 */
class ResourceAdapterClusterTest {

    @TempDir
    Path dir;

    private final OpenSsh openSsh = new OpenSsh();
    private final List<GangwayResourceAdapter> adapters = new ArrayList<>();
    private final InMemoryTunnelCluster cluster = new InMemoryTunnelCluster();
    private ServerSocket echo;
    private final AtomicInteger backendConnections = new AtomicInteger();
    private Path identity;
    private String clientId;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        identity = OpenSsh.keygen(dir.resolve("id_ed25519"));
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        clientId = ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptEchoConnections, "test-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        openSsh.close();
        adapters.forEach(GangwayResourceAdapter::stop);
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void theWebTiersCallsAnswerClusterWide() throws Exception {
        GangwayResourceAdapter a = adapter("node-a", "s3cret-for-tests");
        GangwayResourceAdapter b = adapter("node-b", "s3cret-for-tests");
        TunnelConnectionFactory cfA = factory(a);
        TunnelConnectionFactory cfB = factory(b);
        cfA.useTunnelCluster(cluster.join("node-a"));
        cfB.useTunnelCluster(cluster.join("node-b"));

        Process holder = openSsh.ssh(a.sshServer().port(), identity, "-R", "/app:127.0.0.1:" + echo.getLocalPort(),
                "hello");
        OpenSsh.firstLine(holder);
        String key = TunnelKeys.key("app", clientId);

        TunnelInfo info = cfB.findTunnel(key.toUpperCase()).orElseThrow();
        assertEquals(key, info.key());
        assertTrue(cfB.tunnels().stream().anyMatch(t -> t.key().equals(key)));

        // Through node b, with the pool's reuse: two exchanges, one socket, one channel, one backend connection.
        TunnelManagedConnectionFactory mcf = managed(b);
        ManagedConnection mc = mcf.createManagedConnection(null, new TunnelRequestInfo(key));
        TunnelConnection first = (TunnelConnection) mc.getConnection(null, null);
        assertEquals("ping", roundTrip(first, "ping"));
        first.recycle();
        TunnelConnection second = (TunnelConnection) mc.getConnection(null, null);
        assertTrue(second.isReused());
        assertEquals("pong", roundTrip(second, "pong"));
        second.close();
        mc.destroy();
        assertEquals(1, backendConnections.get());

        try (TunnelConnection unpooled = cfB.getConnection(key)) {
            assertEquals("again", roundTrip(unpooled, "again"));
        }

        assertEquals(1, cfB.disconnectKey(OpenSsh.fingerprint(identity), "revoked in a test"));
        assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        await(() -> cfB.findTunnel(key).isEmpty() && cfA.findTunnel(key).isEmpty());
    }

    @Test
    void aClusterRegisteredBeforeTheStartIsJoinedAndSurvivesARestart() throws Exception {
        GangwayResourceAdapter a = new GangwayResourceAdapter();
        configure(a, "node-a", "s3cret-for-tests");
        InMemoryTunnelCluster.Node node = cluster.join("node-a");
        a.tunnelClusters().use(node);
        adapters.add(a);
        assertFalse(a.tunnelClusters().node().isPresent());
        a.start(null);
        assertTrue(a.tunnelClusters().node().isPresent(), "joined at start");

        Process holder = openSsh.ssh(a.sshServer().port(), identity, "-R", "/app:127.0.0.1:" + echo.getLocalPort(),
                "hello");
        OpenSsh.firstLine(holder);
        assertEquals("node-a", cluster.entries().get(TunnelKeys.key("app", clientId)).node());

        a.stop();
        assertTrue(cluster.entries().isEmpty(), "a stopping node releases its entries");
        assertTrue(holder.waitFor(10, TimeUnit.SECONDS), "and sends its clients away");
        a.start(null);
        assertTrue(a.tunnelClusters().node().isPresent(), "the registration outlives a restart");

        factory(a).clearTunnelCluster(node);
        assertFalse(a.tunnelClusters().node().isPresent());
    }

    @Test
    void withoutASecretThePeerPortStaysClosedAndTheNodeServesItsOwnTunnels() throws Exception {
        GangwayResourceAdapter a = adapter("node-a", ",");
        factory(a).useTunnelCluster(cluster.join("node-a"));

        assertFalse(a.tunnelClusters().node().isPresent());
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gangway-peer-")).count());
        Process holder = openSsh.ssh(a.sshServer().port(), identity, "-R", "/app:127.0.0.1:" + echo.getLocalPort(),
                "hello");
        OpenSsh.firstLine(holder);
        assertTrue(factory(a).findTunnel(TunnelKeys.key("app", clientId)).isPresent());
        assertTrue(cluster.entries().isEmpty());
    }

    @Test
    void thePeerTimeoutsAreSettingsAndMustBePositive() {
        GangwayResourceAdapter a = new GangwayResourceAdapter();
        configure(a, "node-a", "s3cret");
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        assertEquals(java.time.Duration.ofSeconds(5), a.peerSettings(any).handshakeTimeout());
        assertEquals(java.time.Duration.ofSeconds(10), a.peerSettings(any).openTimeout());

        a.setPeerHandshakeTimeoutSeconds(2);
        a.setPeerOpenTimeoutSeconds(30);
        assertEquals(java.time.Duration.ofSeconds(2), a.peerSettings(any).handshakeTimeout());
        assertEquals(java.time.Duration.ofSeconds(30), a.peerSettings(any).openTimeout());

        a.setPeerOpenTimeoutSeconds(0);
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> a.peerSettings(any));
        assertTrue(String.valueOf(refused.getMessage()).contains("peerOpenTimeoutSeconds"), refused.getMessage());
    }

    private GangwayResourceAdapter adapter(String node, String secret) throws Exception {
        GangwayResourceAdapter adapter = new GangwayResourceAdapter();
        configure(adapter, node, secret);
        adapter.start(null);
        adapters.add(adapter);
        return adapter;
    }

    private void configure(GangwayResourceAdapter adapter, String node, String secret) {
        adapter.setSshPort(0);
        adapter.setSshBindAddress("127.0.0.1");
        adapter.setBaseUrl("http://gw.test:8080");
        adapter.setHostKeyFile(dir.resolve("host_key").toString()); // shared, as a cluster profile shares it
        adapter.setTlsEnabled(false);
        adapter.setClusterNodeName(node);
        adapter.setClusterSecret(secret);
        adapter.usePeerBindings(name -> PeerBinding.fixed(new InetSocketAddress("127.0.0.1", 0)));
    }

    private static TunnelManagedConnectionFactory managed(GangwayResourceAdapter adapter) throws Exception {
        TunnelManagedConnectionFactory factory = new TunnelManagedConnectionFactory();
        factory.setResourceAdapter(adapter);
        factory.setChannelOpenTimeoutSeconds(5);
        return factory;
    }

    private static TunnelConnectionFactory factory(GangwayResourceAdapter adapter) throws Exception {
        return (TunnelConnectionFactory) managed(adapter).createConnectionFactory();
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

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(20);
        }
    }

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
