package dev.gangway.connector.ssh;

import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSH server in the JVM, driven by MINA's SSH client with tiny windows and real TCP backends. */
class SshTunnelServerTest {

    @TempDir
    Path dir;

    private SshTunnelServer server;
    private SshClient client;
    private KeyPair key;
    private String clientId;

    @BeforeEach
    void start() throws Exception {
        server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));
        client = TestSsh.client();
        key = TestSsh.ed25519();
        clientId = ClientIds.fromPublicKey(key.getPublic());
    }

    @AfterEach
    void stop() {
        client.stop();
        server.stop();
    }

    @Test
    void namedTcpipTunnelCarriesMegabytesBothWaysExactly() throws Exception {
        try (Backends.Backend echo = Backends.echo()) {
            ClientSession session = TestSsh.login(client, server.port(), "env1", key);
            session.startRemotePortForwarding(new SshdSocketAddress("myapp", 80),
                    new SshdSocketAddress("127.0.0.1", echo.port()));
            Tunnel tunnel = awaitTunnel(TunnelKeys.key("myapp", clientId));
            assertEquals("env1", tunnel.info().envId());

            TunnelStream stream = tunnel.openStream(TestSsh.TIMEOUT);
            byte[] sent = new byte[3 * 1024 * 1024 + 17];
            new Random(42).nextBytes(sent);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int off = 0; off < sent.length; off += 16384) {
                        // Heap and direct buffers both: direct ones take the copying path.
                        int n = Math.min(16384, sent.length - off);
                        ByteBuffer chunk = (off / 16384) % 2 == 0 ? ByteBuffer.wrap(sent, off, n)
                                : ByteBuffer.allocateDirect(n).put(sent, off, n).flip();
                        StreamIo.writeAll(stream, chunk);
                        assertFalse(chunk.hasRemaining());
                    }
                    stream.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] received = readToEnd(stream, true);
            writer.get(60, TimeUnit.SECONDS);
            assertArrayEquals(sent, received);
            stream.close();
        }
    }

    @Test
    void readerThatStopsReadingStopsTheClient() throws Exception {
        long total = 64L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (Backends.Backend source = Backends.source(total, written)) {
            ClientSession session = TestSsh.login(client, server.port(), "env1", key);
            session.startRemotePortForwarding(new SshdSocketAddress("bulk", 80),
                    new SshdSocketAddress("127.0.0.1", source.port()));
            TunnelStream stream = awaitTunnel(TunnelKeys.key("bulk", clientId)).openStream(TestSsh.TIMEOUT);

            // Nobody reads: the backend fills the windows and socket buffers, then must stall far below the total.
            long stalledAt = awaitStall(written);
            assertTrue(stalledAt < 16L * 1024 * 1024, "backend kept writing without a reader: " + stalledAt);

            byte[] all = readToEnd(stream, false);
            assertEquals(total, all.length);
            for (int i = 0; i < all.length; i += 4093) {
                assertEquals((byte) (i % 251), all[i], "byte " + i);
            }
        }
    }

    @Test
    void channelRefusedByClientFailsFastWithRefusedByClient() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        // What `ssh -R /web:localhost:1` sends; MINA's client has no factory for the forwarded channels it asks for,
        // so it refuses each one, like OpenSSH does when nothing listens on the forward's target.
        assertTrue(globalRequest(session, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/web#access=private"));
        Tunnel tunnel = awaitTunnel(TunnelKeys.key("web", clientId));
        assertEquals("/web#access=private", tunnel.info().requestString());

        Instant before = Instant.now();
        TunnelException refused = assertThrows(TunnelException.class, () -> tunnel.openStream(TestSsh.TIMEOUT));
        assertEquals(TunnelException.Reason.REFUSED_BY_CLIENT, refused.reason());
        assertTrue(refused.getMessage().contains("refused the channel"), refused.getMessage());
        assertTrue(Duration.between(before, Instant.now()).compareTo(Duration.ofSeconds(2)) < 0);

        // Same string again on the same connection is refused; cancel with the exact string removes it.
        assertFalse(globalRequest(session, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/web#access=private"));
        assertFalse(globalRequest(session, GlobalRequestHandler.CANCEL_STREAMLOCAL_FORWARD, "/web"));
        assertTrue(globalRequest(session, GlobalRequestHandler.CANCEL_STREAMLOCAL_FORWARD, "/web#access=private"));
        assertTrue(server.registry().find(tunnel.info().key()).isEmpty());
    }

    @Test
    void badForwardRequestsAreRefusedAndLaterRepliesKeepTheirOrder() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        assertFalse(globalRequest(session, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/x#colour=red"));
        assertFalse(tcpipForward(session, "localhost", 8080));
        assertFalse(tcpipForward(session, "", 8080));
        assertTrue(tcpipForward(session, "named", 8080));
        assertTrue(server.registry().find(TunnelKeys.key("named", clientId)).isPresent());
        assertEquals(1, server.registry().all().size());
    }

    @Test
    void helloWithoutTunnelsAnswersJsonAndCloses() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        ExecResult hello = exec(session, "hello");
        assertEquals(0, hello.status);
        assertTrue(hello.stdout.endsWith("}\r\n"), hello.stdout);
        JsonObject json = Json.createReader(new StringReader(hello.stdout)).readObject();
        assertEquals(clientId, json.getString("clientId"));
        assertEquals(0, json.getJsonObject("tunnels").size());
        assertEquals("gw.test", json.getJsonObject("baseUrl").getString("hostname"));
        assertEquals("8080", json.getJsonObject("baseUrl").getString("port"));
        assertEquals("http:", json.getJsonObject("baseUrl").getString("protocol"));
        assertEquals("http://gw.test:8080/", json.getString("rootUrl"));
    }

    @Test
    void helloWithATunnelReportsItAndKeepsTheChannelOpen() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        assertTrue(globalRequest(session, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/app"));
        ChannelExec channel = session.createExecChannel("hello");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        channel.setOut(out);
        channel.open().verify(TestSsh.TIMEOUT);
        channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS), TestSsh.TIMEOUT);
        assertEquals(0, channel.getExitStatus());
        assertFalse(channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 500).contains(ClientChannelEvent.CLOSED),
                "hello must keep the channel open while the connection holds tunnels");
        JsonObject json = Json.createReader(new StringReader(out.toString(StandardCharsets.UTF_8))).readObject();
        assertEquals("http://app-" + clientId + ".gw.test:8080/", json.getJsonObject("tunnels").getString("/app"));
    }

    @Test
    void tunnelUrlAnswersTheUrlOfEachName() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        ExecResult result = exec(session, "tunnel-url web Baz_Q");
        assertEquals(0, result.status);
        JsonObject json = Json.createReader(new StringReader(result.stdout)).readObject();
        assertEquals("http://web-" + clientId + ".gw.test:8080/", json.getString("web"));
        assertEquals("http://" + TunnelKeys.key("Baz_Q", clientId) + ".gw.test:8080/", json.getString("Baz_Q"));
    }

    @Test
    void unknownCommandFailsOnStderrWithStatusOne() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        ExecResult result = exec(session, "cat /etc/passwd");
        assertEquals(1, result.status);
        assertEquals("", result.stdout);
        assertTrue(result.stderr.contains("unknown command"), result.stderr);
    }

    @Test
    void shellAndDirectTcpipAreRefused() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        ClientChannel direct = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                new SshdSocketAddress("127.0.0.1", server.port()));
        Exception refused = assertThrows(Exception.class, () -> direct.open().verify(TestSsh.TIMEOUT));
        assertTrue(refused instanceof SshChannelOpenException || refused.getCause() instanceof SshChannelOpenException,
                refused.toString());

        ChannelShell shell = session.createShellChannel();
        shell.setUsePty(false);
        // With want-reply, MINA's client closes the channel when the server answers failure (as OpenSSH does).
        CoreModuleProperties.REQUEST_SHELL_REPLY.set(shell, true);
        shell.open().verify(TestSsh.TIMEOUT); // the session channel opens; the shell request is then refused
        assertTrue(shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TestSsh.TIMEOUT.toMillis())
                .contains(ClientChannelEvent.CLOSED));
        assertTrue(session.isOpen());
    }

    @Test
    void disconnectRemovesEveryTunnelOfTheConnection() throws Exception {
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        assertTrue(globalRequest(session, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/one"));
        assertTrue(globalRequest(session, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/two"));
        assertEquals(2, server.registry().all().size());
        session.close(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!server.registry().all().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(server.registry().all().isEmpty());
    }

    @Test
    void hostKeyIsPersistedOwnerOnlyAndSurvivesRestart() throws Exception {
        PublicKey first = serverKey();
        Path file = dir.resolve("keys/host_key");
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("ssh-ed25519", KeyUtils.getKeyType(first));
        server.stop();
        server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));
        assertEquals(KeyUtils.getFingerPrint(first), KeyUtils.getFingerPrint(serverKey()));
    }

    @Test
    void authorizedKeysRefusesOtherKeysAndReloadsWhenTheFileChanges() throws Exception {
        KeyPair other = TestSsh.ed25519();
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, PublicKeyEntry.toString(key.getPublic()) + " alice\n");
        server.stop();
        server = TestSsh.start(TestSsh.settings(dir, AuthMode.AUTHORIZED_KEYS, authorized));

        TestSsh.login(client, server.port(), "env1", key).close();
        assertThrows(Exception.class, () -> TestSsh.login(client, server.port(), "env1", other));

        Files.writeString(authorized, PublicKeyEntry.toString(other.getPublic()) + " bob\n");
        // Make the change visible even on file systems with coarse modification times.
        Files.setLastModifiedTime(authorized, FileTime.from(Instant.now().plusSeconds(5)));
        TestSsh.login(client, server.port(), "env1", other).close();
        assertThrows(Exception.class, () -> TestSsh.login(client, server.port(), "env1", key));
    }

    @Test
    void authorizedKeysModeFailsToStartWithoutItsFile() {
        Exception failure = assertThrows(Exception.class, () -> TestSsh.start(
                TestSsh.settings(dir, AuthMode.AUTHORIZED_KEYS, dir.resolve("missing"))));
        assertTrue(failure.getMessage().contains("missing"), failure.getMessage());
    }

    private PublicKey serverKey() throws Exception {
        AtomicReference<PublicKey> seen = new AtomicReference<>();
        SshClient probe = TestSsh.client();
        probe.setServerKeyVerifier((session, address, serverKey) -> {
            seen.set(serverKey);
            return true;
        });
        try (ClientSession session = TestSsh.login(probe, server.port(), "probe", key)) {
            return seen.get();
        } finally {
            probe.stop();
        }
    }

    private Tunnel awaitTunnel(String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            var tunnel = server.registry().find(key);
            if (tunnel.isPresent()) {
                return tunnel.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no tunnel " + key + " in " + server.registry().all());
    }

    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 100; i++) {
            Thread.sleep(300);
            long now = written.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the backend never stalled: " + written.get());
    }

    private static byte[] readToEnd(TunnelStream stream, boolean direct) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(7000) : ByteBuffer.allocate(7000);
        while (true) {
            buffer.clear();
            int n = StreamIo.read(stream, buffer);
            if (n < 0) {
                return all.toByteArray();
            }
            assertEquals(n, buffer.position());
            buffer.flip();
            byte[] bytes = new byte[n];
            buffer.get(bytes);
            all.write(bytes);
        }
    }

    private static boolean globalRequest(ClientSession session, String request, String socketPath) throws Exception {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        buffer.putString(request);
        buffer.putBoolean(true);
        buffer.putString(socketPath);
        return replied(session, request, buffer);
    }

    private static boolean tcpipForward(ClientSession session, String address, int port) throws Exception {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        buffer.putString(GlobalRequestHandler.TCPIP_FORWARD);
        buffer.putBoolean(true);
        buffer.putString(address);
        buffer.putUInt(port);
        return replied(session, GlobalRequestHandler.TCPIP_FORWARD, buffer);
    }

    private static boolean replied(ClientSession session, String request, Buffer buffer) throws Exception {
        // MINA's client returns null for SSH_MSG_REQUEST_FAILURE.
        return session.request(request, buffer, TestSsh.TIMEOUT) != null;
    }

    private record ExecResult(int status, String stdout, String stderr) {
    }

    private static ExecResult exec(ClientSession session, String command) throws Exception {
        ChannelExec channel = session.createExecChannel(command);
        CoreModuleProperties.REQUEST_EXEC_REPLY.set(channel, true); // as OpenSSH: the exec wants a reply
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        channel.setOut(out);
        channel.setErr(err);
        channel.open().verify(TestSsh.TIMEOUT);
        assertTrue(channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TestSsh.TIMEOUT.toMillis())
                .contains(ClientChannelEvent.CLOSED), "exec channel did not close");
        return new ExecResult(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }
}
