package dev.gangway.connector.ssh;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.peer.ClusterNode;
import dev.gangway.connector.peer.PeerSettings;
import dev.gangway.connector.peer.SessionRevocations;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.InMemoryTunnelCluster;
import dev.gangway.connector.tunnel.RegisteredTunnel;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelRegistry;
import dev.gangway.connector.tunnel.TunnelStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two (or three) nodes' worth of adapter in one JVM: each its own SSH server, registry and peer port on loopback,
 * joined through the in-memory cluster fixture (the web tier's Infinispan directory is tested by its ITs). Real
 * OpenSSH clients hold the tunnels, real TCP services sit behind them, and every stream between nodes goes through
 * the real peer port.
 */
class ClusterPeerTest {

    private static final String SECRET = "test-cluster-secret";
    private static final Duration HANDSHAKE = Duration.ofSeconds(1);
    /** Held strongly: JUL keeps loggers weakly, and a collected logger would lose the capturing handler. */
    private static final Logger PEER_LOG = Logger.getLogger("dev.gangway.connector.peer");

    @TempDir
    Path dir;

    private final OpenSsh openSsh = new OpenSsh();
    private final List<TestNode> nodes = new ArrayList<>();
    private final LogCapture log = new LogCapture();
    private Path identity;
    private String clientId;
    private InMemoryTunnelCluster cluster;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        identity = OpenSsh.keygen(dir.resolve("id_ed25519"));
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        clientId = ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));
        cluster = new InMemoryTunnelCluster();
        PEER_LOG.addHandler(log);
    }

    @AfterEach
    void stop() {
        PEER_LOG.removeHandler(log);
        openSsh.close();
        nodes.forEach(TestNode::stop);
    }

    @Test
    void aTunnelOnOneNodeIsServedThroughAnotherBothWaysWithHalfClose() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            String key = tunnel(a, "app", echo.port());

            Tunnel remote = b.registry.find(key).orElseThrow();
            assertFalse(remote instanceof RegisteredTunnel, "node b holds no connection for it");
            assertEquals(key, remote.info().key());
            assertTrue(b.registry.all().stream().anyMatch(t -> t.info().key().equals(key)));
            TunnelStream stream = remote.openStream(TestSsh.TIMEOUT);
            StreamIo.writeAll(stream, ascii("ping through node b\n"));
            assertEquals("ping through node b\n", readExactly(stream, 20));

            StreamIo.writeAll(stream, ascii("last words"));
            stream.shutdownOutput();
            // The echo service sees the end of its input only through the half-close, and ends its output.
            assertEquals("last words", readToEnd(stream));
            stream.close();

            Tunnel held = a.registry.findLocal(key).orElseThrow();
            await(() -> held.statistics().activeStreams() == 0 && held.statistics().openChannels() == 0,
                    "the holder's channel and stream end with the remote stream");
            assertEquals(1, held.statistics().streams());
            assertEquals(30, remote.statistics().bytesToService());
            assertEquals(30, remote.statistics().bytesFromService());
            assertEquals(0, remote.statistics().openChannels());
        }
    }

    @Test
    void bigTransfersGoBothWaysWithoutBeingBuffered() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        long total = 64L << 20;
        AtomicLong written = new AtomicLong();
        try (Backends.Backend source = Backends.source(total, written)) {
            String key = tunnel(a, "download", source.port());
            download(a.registry.find(key).orElseThrow(), total); // warms up both paths' code
            long remote = download(b.registry.find(key).orElseThrow(), total);
            long local = download(a.registry.find(key).orElseThrow(), total);
            System.out.printf("through a tunnel, %d MiB download, MB/s: on the holding node %.0f, through another "
                    + "node %.0f%n", total >> 20, total / 1e3 / local, total / 1e3 / remote);
        }

        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicLong sunk = new AtomicLong();
        AtomicBoolean intact = new AtomicBoolean(true);
        try (Backends.Backend sink = Backends.lateSink(release, sunk, intact)) {
            String key = tunnel(a, "upload", sink.port());
            TunnelStream stream = b.registry.find(key).orElseThrow().openStream(TestSsh.TIMEOUT);
            long upload = 32L << 20;
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> uploading = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
                    while (sent.get() < upload) {
                        chunk.clear();
                        for (int i = 0; i < chunk.capacity(); i++) {
                            chunk.put((byte) ((sent.get() + i) % 251));
                        }
                        StreamIo.writeAll(stream, chunk.flip());
                        sent.addAndGet(chunk.capacity());
                    }
                    stream.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(2000);
            // Held between the visitor and the sleeping service: socket buffers, one splice buffer, one SSH window.
            System.out.printf("upload through another node to a service that reads nothing: %d KiB accepted%n",
                    sent.get() >> 10);
            assertTrue(sent.get() < 24L << 20, "accepted " + sent.get() + " bytes the service had not taken");
            release.complete(null);
            uploading.get(60, TimeUnit.SECONDS);
            await(() -> sunk.get() == upload, "the service got all " + upload + " bytes, has " + sunk.get());
            assertTrue(intact.get());
            stream.close();
        }
    }

    @Test
    void aSlowReaderThroughAnotherNodeStopsTheService() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        AtomicLong written = new AtomicLong();
        try (Backends.Backend source = Backends.source(512L << 20, written)) {
            String key = tunnel(a, "firehose", source.port());
            TunnelStream stream = b.registry.find(key).orElseThrow().openStream(TestSsh.TIMEOUT);
            assertTrue(StreamIo.read(stream, ByteBuffer.allocate(1024)) > 0);
            // However busy the machine, the service stops within the time limit: a second without progress.
            long first = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (first != written.get()) {
                assertTrue(System.nanoTime() < deadline, "the service never stopped: " + written.get() + " bytes");
                first = written.get();
                Thread.sleep(1000);
            }
            System.out.printf("slow reader through another node took 1 KiB: the service wrote %d KiB, then stopped%n",
                    first >> 10);
            assertTrue(first < 24L << 20, "the service wrote " + first + " bytes for a reader that took 1 KiB");
            stream.close();
        }
    }

    @Test
    void aNameHeldAliveOnOneNodeIsRefusedOnAnother() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            String key = tunnel(a, "app", echo.port());

            Process second = openSsh.ssh(b.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            assertTrue(second.waitFor(20, TimeUnit.SECONDS), "the refused forward ends the second ssh");
            assertTrue(second.exitValue() != 0);
            assertEquals("node-a", cluster.entries().get(key).node());
            assertTrue(a.registry.findLocal(key).isPresent());
        }
    }

    @Test
    void aDeadHolderOnOneNodeIsTakenOverFromAnother() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            Process frozen = openSsh.ssh(a.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(frozen);
            String key = TunnelKeys.key("app", clientId);
            signal(frozen, "STOP"); // alive as a process and a TCP connection, but answers nothing

            try {
                String taken = tunnel(b, "app", echo.port());
                assertEquals(key, taken);
                assertEquals("node-b", cluster.entries().get(key).node());
                assertTrue(a.registry.findLocal(key).isEmpty(), "node a closed its dead connection");
                TunnelStream stream = a.registry.find(key).orElseThrow().openStream(TestSsh.TIMEOUT);
                StreamIo.writeAll(stream, ascii("now via b\n"));
                assertEquals("now via b\n", readExactly(stream, 10));
                stream.close();
            } finally {
                signal(frozen, "CONT");
            }
        }
    }

    @Test
    void aHolderOnANodeOutsideTheViewIsTakenOver() throws Exception {
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            String key = TunnelKeys.key("app", clientId);
            ClusterTunnel ghost = new ClusterTunnel(new dev.gangway.connector.api.TunnelInfo(key, clientId, "env1",
                    "/app", dev.gangway.connector.api.TunnelAccess.PUBLIC, null, null, "http://x/", Instant.now(),
                    "SHA256:x", null, "ssh-ed25519 AAAA"), "crashed-node", "127.0.0.1:1");
            cluster.put(ghost);

            tunnel(b, "app", echo.port());

            assertEquals("node-b", cluster.entries().get(key).node());
        }
    }

    @Test
    void aMergeKeepsTheConnectionOpenedFirstAndReleasesStaleEntries() throws Exception {
        InMemoryTunnelCluster other = new InMemoryTunnelCluster();
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", other, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            // While split, each side gives the name to the client that came to it: b's first, then a's.
            Process onB = openSsh.ssh(b.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(onB);
            Thread.sleep(20);
            Process onA = openSsh.ssh(a.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(onA);
            String key = TunnelKeys.key("app", clientId);
            other.put(new ClusterTunnel(new dev.gangway.connector.api.TunnelInfo("gone-" + clientId, clientId, "env1",
                    "/gone", dev.gangway.connector.api.TunnelAccess.PUBLIC, null, null, "http://x/", Instant.now(),
                    "SHA256:x", null, "ssh-ed25519 AAAA"), "node-b", b.member.peerAddress()));

            // The healed directory keeps a's entry (the later connection): b must win it back and make a yield.
            cluster.merge(other);

            assertTrue(onA.waitFor(20, TimeUnit.SECONDS), "the later connection, on node a, is told to go");
            await(() -> cluster.entries().containsKey(key) && "node-b".equals(cluster.entries().get(key).node()),
                    "node b's connection keeps the name: " + cluster.entries().get(key));
            assertTrue(onB.isAlive());
            await(() -> !cluster.entries().containsKey("gone-" + clientId), "the stale entry of node b is released");
            assertTrue(a.registry.findLocal(key).isEmpty());
        }
    }

    @Test
    void aWrongSecretIsRefusedBothWaysAndLogged() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode impostor = node("node-x", cluster, "another-secret");
        try (Backends.Backend echo = Backends.echo()) {
            String key = tunnel(a, "app", echo.port());
            String other = tunnel(impostor, "other", echo.port());

            // Each side, as the client, finds that the other cannot prove the secret, and asks nothing of it.
            TunnelException refused = assertThrows(TunnelException.class,
                    () -> impostor.registry.find(key).orElseThrow().openStream(TestSsh.TIMEOUT));
            assertEquals(TunnelException.Reason.UNAVAILABLE, refused.reason());
            assertThrows(TunnelException.class, () -> a.registry.find(other).orElseThrow().openStream(TestSsh.TIMEOUT));
            await(() -> log.contains("GANGWAY1604"), "the node that could not prove the secret is logged");
            assertEquals(0, a.registry.findLocal(key).orElseThrow().statistics().channelsOpened());

            // As the server: a client that goes on with a wrong proof is dropped and logged.
            InetSocketAddress port = address(a.member.peerAddress());
            try (Socket socket = new Socket(port.getAddress(), port.getPort())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                byte[] nonce = new byte[32];
                out.write(("GANGWAY-PEER/1 rogue " + Base64.getEncoder().encodeToString(nonce) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String serverLine = readLine(in);
                assertTrue(serverLine.endsWith(" node-a"), serverLine);
                out.write((Base64.getEncoder().encodeToString(new byte[32]) + " PROBE " + key + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, readOrReset(in), "no answer to a client without the secret");
            }
            await(() -> log.contains("GANGWAY1603"), "node a logs the refused peer");
            assertTrue(a.registry.findLocal(key).isPresent());
        }
    }

    @Test
    void garbageLongAndSlowHandshakesAreDroppedInTime() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        InetSocketAddress port = address(a.member.peerAddress());
        for (byte[] garbage : new byte[][] {"GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                "x".repeat(5000).getBytes(StandardCharsets.US_ASCII), new byte[0]}) {
            try (Socket socket = new Socket(port.getAddress(), port.getPort())) {
                socket.setSoTimeout(10_000);
                long start = System.nanoTime();
                OutputStream out = socket.getOutputStream();
                out.write(garbage);
                out.flush();
                int read = readOrReset(socket.getInputStream());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(-1, read);
                assertTrue(millis < HANDSHAKE.toMillis() + 2000, "dropped after " + millis + " ms");
            }
        }
        await(() -> log.contains("GANGWAY1603"), "refusals are logged");
    }

    @Test
    void disconnectKeyReachesTheNodesHoldingItsTunnels() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            Process held = openSsh.ssh(a.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(held);

            int closed = b.member.disconnectKeyEverywhere(OpenSsh.fingerprint(identity), "key revoked by a test");

            assertEquals(1, closed);
            assertTrue(held.waitFor(10, TimeUnit.SECONDS));
            await(() -> cluster.entries().isEmpty(), "its tunnel left the directory");
        }
    }

    @Test
    void disconnectKeyReachesAConnectionWithoutTunnelsOnAnotherNode() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        java.security.KeyPair key = TestSsh.ed25519();
        org.apache.sshd.client.SshClient client = TestSsh.client();
        try {
            // Logged in on node b, holding nothing: no directory entry says where it is, yet it could ask for a
            // tunnel at any moment, so a revocation made on node a must reach it.
            org.apache.sshd.client.session.ClientSession onB = TestSsh.login(client, b.server.port(), "env1", key);
            assertTrue(cluster.entries().isEmpty());
            // Filing is asynchronous, as the cache's writes are.
            await(() -> b.member.peerAddress().equals(cluster.peerAddressesForTest().get("node-b")),
                    "node b's address filed: " + cluster.peerAddressesForTest());

            int closed = a.member.disconnectKeyEverywhere(KeyFingerprints.fingerprint(key.getPublic()),
                    "key revoked by a test");

            assertEquals(1, closed);
            await(onB::isClosed, "the connection on node b is closed");
        } finally {
            client.stop();
        }
    }

    @Test
    void aNodesPeerAddressIsFiledWhileItIsAMember() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        java.util.Map<String, String> both = java.util.Map.of("node-a", a.member.peerAddress(), "node-b",
                b.member.peerAddress());
        // Filing is asynchronous, as the cache's writes are.
        await(() -> both.equals(cluster.peerAddressesForTest()), "both addresses filed: "
                + cluster.peerAddressesForTest());

        b.member.stop();
        assertEquals(java.util.Map.of("node-a", a.member.peerAddress()), cluster.peerAddressesForTest(),
                "a graceful stop withdraws it");

        // Removed behind its back (the other side of a partition removes a departed node's entries): the next view
        // change files it again.
        cluster.forgetPeerAddressForTest("node-a");
        cluster.leave("node-b");
        await(() -> a.member.peerAddress().equals(cluster.peerAddressesForTest().get("node-a")),
                "node a's address filed again: " + cluster.peerAddressesForTest());
    }

    @Test
    void disconnectOwnerReachesTheNodesHoldingTheirTunnels() throws Exception {
        TestKeyAuthority authority = new TestKeyAuthority();
        authority.register(OpenSsh.fingerprint(identity), new dev.gangway.connector.api.KeyOwner("sub-alice", "alice",
                null, List.of()));
        KeyAuthorityRegistration registration = new KeyAuthorityRegistration();
        registration.use(authority);
        TestNode a = node("node-a", cluster, SECRET, AuthMode.SSO,
                new KeyAuthorityGate(registration, Duration.ofSeconds(5)));
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            Process held = openSsh.ssh(a.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(held);
            assertEquals("sub-alice", cluster.entries().get(TunnelKeys.key("app", clientId)).info().owner().subject());

            assertEquals(0, b.member.disconnectOwnerEverywhere("sub-bob", "not hers"));
            assertTrue(held.isAlive());
            assertEquals(1, b.member.disconnectOwnerEverywhere("sub-alice", "left the company"));
            assertTrue(held.waitFor(10, TimeUnit.SECONDS));
            await(() -> cluster.entries().isEmpty(), "her tunnel left the directory");
        }
    }

    @Test
    void anIdleStreamWatchesItsSocketAndClosesWhenTheHolderEndsIt() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            Process held = openSsh.ssh(a.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(held);
            String key = TunnelKeys.key("app", clientId);
            Tunnel remote = b.registry.find(key).orElseThrow();
            TunnelStream stream = remote.openStream(TestSsh.TIMEOUT);
            AtomicBoolean closed = new AtomicBoolean();
            stream.onClose(() -> closed.set(true));
            StreamIo.writeAll(stream, ascii("first\n"));
            assertEquals("first\n", readExactly(stream, 6));

            // Back in the pool: a healthy idle stream stays open, and the next exchange reads what the watch got.
            stream.watchWhileIdle();
            Thread.sleep(300);
            assertFalse(closed.get(), "an idle stream nobody ended stays open");
            StreamIo.writeAll(stream, ascii("second\n"));
            assertEquals("second\n", readExactly(stream, 7));

            // The next exchange's answer may come before its caller reads (the benchmark's big responses did): it
            // arrives on the watch's read, and is the caller's, not a reason to close.
            stream.watchWhileIdle();
            StreamIo.writeAll(stream, ascii("third\n"));
            Thread.sleep(300);
            assertFalse(closed.get(), "an answer that came before its read does not close the stream");
            assertEquals("third\n", readExactly(stream, 6));

            // Idle again, and the holder's side ends (its client goes): the stream closes with nobody reading it.
            stream.watchWhileIdle();
            held.destroy();
            await(closed::get, "the idle stream closes when the holder ends it");
            assertEquals(0, remote.statistics().openChannels());
            assertFalse(stream.isOpen());
        }
    }

    @Test
    void streamsToANodeThatLeftTheViewAreClosedByTheViewChange() throws Exception {
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            String key = tunnel(a, "app", echo.port());
            Tunnel remote = b.registry.find(key).orElseThrow();
            TunnelStream busy = remote.openStream(TestSsh.TIMEOUT);
            TunnelStream idle = remote.openStream(TestSsh.TIMEOUT);
            StreamIo.writeAll(idle, ascii("hi\n"));
            assertEquals("hi\n", readExactly(idle, 3));
            assertEquals(2, remote.statistics().openChannels());

            // Node a is alive and its sockets stay open: only the view says it is gone (a crash with its machine,
            // or a partition, sends no FIN). Node b's streams to it must not wait for a read or the idle remover.
            cluster.leave("node-a");

            await(() -> remote.statistics().openChannels() == 0, "both streams to node a closed, "
                    + remote.statistics().openChannels() + " open");
            assertFalse(busy.isOpen());
            assertThrows(Exception.class, () -> StreamIo.read(busy, ByteBuffer.allocate(10)));
            assertTrue(log.contains("GANGWAY1612"), "the closing is logged");
        }
    }

    @Test
    void aGracefulStopReleasesTheEntriesFirstAndEndsEveryThread() throws Exception {
        long baseline = peerThreads();
        TestNode a = node("node-a", cluster, SECRET);
        TestNode b = node("node-b", cluster, SECRET);
        try (Backends.Backend echo = Backends.echo()) {
            Process held = openSsh.ssh(a.server.port(), identity, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(held);
            String key = TunnelKeys.key("app", clientId);
            TunnelStream stream = b.registry.find(key).orElseThrow().openStream(TestSsh.TIMEOUT);
            assertTrue(peerThreads() > baseline);

            a.member.stop();
            assertTrue(cluster.entries().isEmpty(), "released before the SSH connections close");
            assertTrue(held.isAlive());
            assertTrue(b.registry.find(key).isEmpty());
            a.server.stop();
            assertTrue(held.waitFor(10, TimeUnit.SECONDS), "the client was told to go");
            // Broken, not ended: a close-delimited response must not look complete.
            assertThrows(Exception.class, () -> StreamIo.read(stream, ByteBuffer.allocate(10)));
            stream.close();
            b.stop();
            await(() -> peerThreads() == baseline, "gangway-peer threads back to " + baseline + ", are "
                    + peerThreads());
        }
    }

    /** Reads {@code total} bytes of the source pattern through a new stream of {@code tunnel}; the milliseconds. */
    private static long download(Tunnel tunnel, long total) throws Exception {
        long start = System.nanoTime();
        TunnelStream stream = tunnel.openStream(TestSsh.TIMEOUT);
        ByteBuffer buffer = ByteBuffer.allocateDirect(32 * 1024);
        long received = 0;
        boolean intact = true;
        for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
            for (int i = 0; i < n; i++) {
                intact &= buffer.get(i) == (byte) ((received + i) % 251);
            }
            received += n;
        }
        stream.close();
        assertEquals(total, received);
        assertTrue(intact, "bytes arrived in order, unchanged");
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private TestNode node(String name, InMemoryTunnelCluster partition, String secret) throws Exception {
        return node(name, partition, secret, AuthMode.OPEN,
                new KeyAuthorityGate(new KeyAuthorityRegistration(), KeyAuthorityGate.DEFAULT_TIMEOUT));
    }

    private TestNode node(String name, InMemoryTunnelCluster partition, String secret, AuthMode mode,
                          KeyAuthorityGate gate) throws Exception {
        SshSettings settings = TestSsh.settings(dir.resolve(name), mode, null);
        TunnelRegistry registry = new TunnelRegistry(settings.baseUrl(), settings.takeoverCheckTimeout());
        SshTunnelServer server = new SshTunnelServer(settings, registry, gate);
        server.start();
        ClusterNode member = ClusterNode.start(registry, new SessionRevocations() {
            @Override
            public int disconnectKey(String fingerprint, String reason) {
                return server.disconnectKey(fingerprint, reason);
            }

            @Override
            public int disconnectOwner(String subject, String reason) {
                return server.disconnectOwner(subject, reason);
            }
        }, partition.join(name), new PeerSettings(name, secret, new InetSocketAddress("127.0.0.1", 0), "",
                HANDSHAKE, TestSsh.TIMEOUT), Duration.ofSeconds(2));
        TestNode node = new TestNode(server, registry, member);
        nodes.add(node);
        return node;
    }

    /** {@code ssh -R /name:...} to {@code node}, waiting for its hello; the tunnel key. */
    private String tunnel(TestNode node, String name, int backendPort) throws Exception {
        Process ssh = openSsh.ssh(node.server.port(), identity, "-R", "/" + name + ":127.0.0.1:" + backendPort, "hello");
        String hello = OpenSsh.firstLine(ssh);
        assertTrue(hello != null && hello.contains("clientId"), "hello: " + hello + OpenSsh.stderr(ssh));
        return TunnelKeys.key(name, clientId);
    }

    /** -1 at the end of the stream or on a reset; the first byte otherwise. */
    private static int readOrReset(InputStream in) throws Exception {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            assertTrue(c >= 0, "ended before the line did");
            line.append((char) c);
        }
        return line.toString();
    }

    private static void signal(Process process, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
    }

    private static long peerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("gangway-peer-")).count();
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String readExactly(TunnelStream stream, int length) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            assertTrue(StreamIo.read(stream, buffer) >= 0, "ended early");
        }
        return new String(buffer.array(), StandardCharsets.US_ASCII);
    }

    private static String readToEnd(TunnelStream stream) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        StringBuilder text = new StringBuilder();
        for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
            text.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
        }
        return text.toString();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }

    private record TestNode(SshTunnelServer server, TunnelRegistry registry, ClusterNode member) {
        void stop() {
            member.stop();
            server.stop();
        }
    }

    /** The peer port's log lines, for the assertions that a refusal is reported. */
    private static final class LogCapture extends Handler {
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        boolean contains(String id) {
            return lines.stream().anyMatch(line -> line != null && line.contains(id));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
