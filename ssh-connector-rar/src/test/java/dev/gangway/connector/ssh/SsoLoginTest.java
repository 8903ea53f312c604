package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyLogin;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelRegistry;
import dev.gangway.connector.tunnel.TunnelStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * authMode sso with the real OpenSSH client: the key authority decides each login, asynchronously and within the
 * timeout; sessions carry their key's owner; revoking a key or an owner closes its connections and tunnels at once.
 */
class SsoLoginTest {

    private static final KeyOwner ALICE = new KeyOwner("sub-alice", "alice", "alice@example.com", List.of("devs"));
    private static final KeyOwner BOB = new KeyOwner("sub-bob", "bob", null, List.of());

    @TempDir
    Path dir;

    private final OpenSsh openSsh = new OpenSsh();
    private final TestKeyAuthority authority = new TestKeyAuthority();
    private final KeyAuthorityRegistration registration = new KeyAuthorityRegistration();
    private SshTunnelServer server;
    private Path aliceKey;

    @BeforeEach
    void keys() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        aliceKey = OpenSsh.keygen(dir.resolve("alice"));
        authority.register(OpenSsh.fingerprint(aliceKey), ALICE);
        registration.use(authority);
    }

    @AfterEach
    void stop() {
        openSsh.close();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void anUnknownKeyIsRefusedAtItsQueryAndNeverSigns() throws Exception {
        start(Duration.ofSeconds(10));
        Path stranger = OpenSsh.keygen(dir.resolve("stranger"));

        Process ssh = openSsh.ssh(server.port(), stranger, "hello");

        assertRefused(ssh);
        assertEquals(List.of(false), signedFlags(OpenSsh.fingerprint(stranger)),
                "only the key query reaches the authority");
        assertTrue(server.registry().all().isEmpty());
    }

    @Test
    void aRegisteredKeyLogsInAndItsTunnelsCarryOwnerAndFingerprint() throws Exception {
        start(Duration.ofSeconds(10));
        String fingerprint = OpenSsh.fingerprint(aliceKey);

        Process ssh = openSsh.ssh(server.port(), aliceKey, "-R", "/app:127.0.0.1:9", "hello");
        JsonObject hello = Json.createReader(new StringReader(OpenSsh.firstLine(ssh))).readObject();

        String clientId = clientIdOf(aliceKey);
        assertEquals(clientId, hello.getString("clientId"));
        TunnelInfo info = server.registry().find(TunnelKeys.key("app", clientId)).orElseThrow().info();
        assertEquals(fingerprint, info.keyFingerprint(), "as ssh-keygen -l prints it");
        assertEquals(ALICE, info.owner());
        assertEquals(OpenSsh.publicKeyLine(aliceKey), info.publicKey(), "the key as its .pub file has it");

        // OpenSSH asks first, then signs; the authority sees both, in that order, with the key as the .pub file has it.
        assertEquals(List.of(false, true), signedFlags(fingerprint));
        KeyLogin attempt = authority.asked.get(1);
        assertEquals(OpenSsh.publicKeyLine(aliceKey), attempt.publicKey());
        assertEquals("ssh-ed25519", attempt.keyType());
        assertEquals("env1", attempt.userName());
        assertTrue(attempt.remoteAddress().contains("127.0.0.1"), attempt.remoteAddress());
    }

    @Test
    void aSlowAuthorityWithinTheTimeoutLetsTheKeyIn() throws Exception {
        start(Duration.ofSeconds(5));
        authority.delay(Duration.ofMillis(1500)); // asked twice: 3 s in all, each within the 5 s

        Process ssh = openSsh.ssh(server.port(), aliceKey, "hello");

        assertTrue(ssh.waitFor(30, TimeUnit.SECONDS), "ssh did not exit");
        assertEquals(0, ssh.exitValue(), OpenSsh.stderr(ssh));
    }

    @Test
    void anAuthorityPastTheTimeoutRefusesTheKey() throws Exception {
        start(Duration.ofSeconds(1));
        authority.delay(Duration.ofSeconds(4));

        long started = System.nanoTime();
        Process ssh = openSsh.ssh(server.port(), aliceKey, "hello");

        assertRefused(ssh);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4), "refused at the timeout, not at the answer");
    }

    @Test
    void noRegisteredAuthorityRefusesEveryKey() throws Exception {
        start(Duration.ofSeconds(10));
        registration.clear(authority);

        assertRefused(openSsh.ssh(server.port(), aliceKey, "hello"));
        assertTrue(authority.asked.isEmpty());
    }

    /**
     * More logins wait for the authority than the server has I/O threads, and another client still gets in: waiting
     * for a decision holds no thread.
     */
    @Test
    void pendingDecisionsHoldNoIoThread() throws Exception {
        start(Duration.ofSeconds(30));
        int ioThreads = CoreModuleProperties.NIO_WORKERS.getRequiredDefault();
        List<Process> waiting = new ArrayList<>();
        List<String> heldFingerprints = new ArrayList<>();
        for (int i = 0; i <= ioThreads; i++) {
            Path key = OpenSsh.keygen(dir.resolve("held" + i));
            String fingerprint = OpenSsh.fingerprint(key);
            authority.register(fingerprint, BOB);
            authority.hold(fingerprint);
            heldFingerprints.add(fingerprint);
            waiting.add(openSsh.ssh(server.port(), key, "hello"));
        }
        for (String fingerprint : heldFingerprints) {
            authority.askedFor(fingerprint).get(20, TimeUnit.SECONDS);
        }

        Process meanwhile = openSsh.ssh(server.port(), aliceKey, "hello");
        assertTrue(meanwhile.waitFor(20, TimeUnit.SECONDS), "a login with no decision pending did not get through");
        assertEquals(0, meanwhile.exitValue(), OpenSsh.stderr(meanwhile));
        assertTrue(waiting.stream().allMatch(Process::isAlive), "the held logins are still waiting");

        heldFingerprints.forEach(authority::release);
        for (Process ssh : waiting) {
            assertTrue(ssh.waitFor(20, TimeUnit.SECONDS), "a released login did not finish");
            assertEquals(0, ssh.exitValue(), OpenSsh.stderr(ssh));
        }
    }

    @Test
    void disconnectKeyClosesItsSessionsAndTunnelsAtOnce() throws Exception {
        start(Duration.ofSeconds(10));
        Path bobKey = OpenSsh.keygen(dir.resolve("bob"));
        authority.register(OpenSsh.fingerprint(bobKey), BOB);
        try (Backends.Backend echo = Backends.echo()) {
            Process alice = openSsh.ssh(server.port(), aliceKey, "-o", "LogLevel=INFO", "-R",
                    "/app:127.0.0.1:" + echo.port(), "hello");
            Process bob = openSsh.ssh(server.port(), bobKey, "-R", "/app:127.0.0.1:" + echo.port(), "hello");
            OpenSsh.firstLine(alice);
            OpenSsh.firstLine(bob);
            String aliceTunnel = TunnelKeys.key("app", clientIdOf(aliceKey));
            assertEquals(2, server.registry().statistics().sshConnections());
            // A visitor stream in flight through the tunnel about to be revoked.
            TunnelStream stream = server.registry().find(aliceTunnel).orElseThrow().openStream(TestSsh.TIMEOUT);
            StreamIo.writeAll(stream, ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
            assertEquals(4, StreamIo.read(stream, ByteBuffer.allocate(16)));
            assertEquals(1, server.registry().statistics().openChannels());

            assertEquals(1, server.disconnectKey(OpenSsh.fingerprint(aliceKey), "key revoked"));

            assertTrue(server.registry().find(aliceTunnel).isEmpty(), "the tunnel is gone when the call returns");
            assertTrue(streamEnds(stream), "the visitor stream ends with the session");
            awaitTrue(() -> server.registry().statistics().openChannels() == 0);
            assertRevoked(alice, bob, bobKey);
        }
    }

    private void assertRevoked(Process alice, Process bob, Path bobKey) throws Exception {
        assertTrue(alice.waitFor(10, TimeUnit.SECONDS), "ssh did not exit");
        assertTrue(OpenSsh.stderr(alice).contains("key revoked"), "the client is told why");
        awaitTrue(() -> server.registry().statistics().sshConnections() == 1);
        assertTrue(bob.isAlive(), "another key's connection stays");
        assertTrue(server.registry().find(TunnelKeys.key("app", clientIdOf(bobKey))).isPresent());
        assertEquals(0, server.disconnectKey(OpenSsh.fingerprint(aliceKey), "key revoked"), "nothing left to close");
    }

    /** End of stream or a failed read both count; a read still pending after 10 s does not (it throws). */
    private static boolean streamEnds(TunnelStream stream) throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        stream.read(ByteBuffer.allocate(16), StreamIo.callback(read));
        try {
            return read.get(10, TimeUnit.SECONDS) < 0;
        } catch (ExecutionException channelClosed) {
            return true;
        } finally {
            stream.close();
        }
    }

    /** The authority allowed the key just before it was revoked; the login joins after the revocation looked. */
    @Test
    void aRevocationDuringTheDecisionStillBites() throws Exception {
        start(Duration.ofSeconds(20));
        String fingerprint = OpenSsh.fingerprint(aliceKey);
        authority.hold(fingerprint);
        Process ssh = openSsh.ssh(server.port(), aliceKey, "-R", "/app:127.0.0.1:9", "hello");
        authority.askedFor(fingerprint).get(20, TimeUnit.SECONDS);

        assertEquals(0, server.disconnectKey(fingerprint, "key revoked"), "not logged in yet");
        authority.release(fingerprint); // answers "allowed": the registry was read before the key went

        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS), "ssh did not exit");
        assertTrue(ssh.exitValue() != 0);
        awaitTrue(() -> server.registry().statistics().sshConnections() == 0);
        assertTrue(server.registry().all().isEmpty());
    }

    @Test
    void disconnectOwnerClosesEveryConnectionOfTheOwnerAndNothingElse() throws Exception {
        start(Duration.ofSeconds(10));
        Path aliceSecondKey = OpenSsh.keygen(dir.resolve("alice2"));
        authority.register(OpenSsh.fingerprint(aliceSecondKey), ALICE);
        Path bobKey = OpenSsh.keygen(dir.resolve("bob"));
        authority.register(OpenSsh.fingerprint(bobKey), BOB);
        Process first = openSsh.ssh(server.port(), aliceKey, "-R", "/one:127.0.0.1:9", "hello");
        Process second = openSsh.ssh(server.port(), aliceSecondKey, "-R", "/two:127.0.0.1:9", "hello");
        Process bob = openSsh.ssh(server.port(), bobKey, "-R", "/three:127.0.0.1:9", "hello");
        List.of(first, second, bob).forEach(this::helloOf);
        assertEquals(3, server.registry().all().size());

        assertEquals(2, server.disconnectOwner(ALICE.subject(), "left the company"));

        assertEquals(List.of(BOB), server.registry().all().stream().map(t -> t.info().owner()).toList());
        assertTrue(first.waitFor(10, TimeUnit.SECONDS) && second.waitFor(10, TimeUnit.SECONDS), "ssh did not exit");
        awaitTrue(() -> server.registry().statistics().sshConnections() == 1);
        bob.destroy();
        awaitTrue(() -> server.registry().statistics().sshConnections() == 0);
        assertEquals(0, server.registry().statistics().openChannels());
        // The server's threads are its fixed pools and timer: revoked sessions leave none of their own behind.
        int poolLimit = 2 * CoreModuleProperties.NIO_WORKERS.getRequiredDefault() + 1;
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("gangway-ssh")).count() <= poolLimit);
    }

    /** OpenSSH offers the certificate first, then the plain key: the certificate never reaches the authority. */
    @Test
    void certificatesStayRefusedAndTheAuthorityNeverSeesThem() throws Exception {
        start(Duration.ofSeconds(10));
        Path ca = OpenSsh.keygen(dir.resolve("ca"));
        Process sign = new ProcessBuilder(OpenSsh.SSH_KEYGEN.toString(), "-q", "-s", ca.toString(), "-I", "alice",
                "-n", "env1", aliceKey + ".pub").redirectErrorStream(true).start();
        assertEquals(0, sign.waitFor());
        assertTrue(Files.exists(Path.of(aliceKey + "-cert.pub")));

        Process ssh = openSsh.ssh(server.port(), aliceKey, "-v", "-o", "CertificateFile=" + aliceKey + "-cert.pub",
                "hello");

        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS), "ssh did not exit");
        String log = OpenSsh.stderr(ssh);
        assertEquals(0, ssh.exitValue(), "the plain key still logs in: " + log);
        assertTrue(log.contains("Offering public key") && log.contains("ED25519-CERT"), "the certificate was offered: " + log);
        assertTrue(authority.asked.stream().noneMatch(login -> login.keyType().contains("cert")), authority.asked::toString);
        assertEquals(List.of(false, true), signedFlags(OpenSsh.fingerprint(aliceKey)));
    }

    @Test
    void theOpenModeStillNamesTheKeyButNoOwner() throws Exception {
        server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));

        Process ssh = openSsh.ssh(server.port(), aliceKey, "-R", "/app:127.0.0.1:9", "hello");
        OpenSsh.firstLine(ssh);

        TunnelInfo info = server.registry().find(TunnelKeys.key("app", clientIdOf(aliceKey))).orElseThrow().info();
        assertEquals(OpenSsh.fingerprint(aliceKey), info.keyFingerprint());
        assertNull(info.owner());
        assertTrue(authority.asked.isEmpty(), "no authority is asked outside sso");
        assertEquals(1, server.disconnectKey(info.keyFingerprint(), "key revoked"));
        assertTrue(ssh.waitFor(10, TimeUnit.SECONDS));
    }

    private void start(Duration decisionTimeout) throws Exception {
        SshSettings settings = TestSsh.settings(dir, AuthMode.SSO, null);
        server = new SshTunnelServer(settings, new TunnelRegistry(settings.baseUrl(), settings.takeoverCheckTimeout()),
                new KeyAuthorityGate(registration, decisionTimeout));
        server.start();
    }

    private void helloOf(Process ssh) {
        try {
            assertFalse(OpenSsh.firstLine(ssh) == null, "no hello: " + OpenSsh.stderr(ssh));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<Boolean> signedFlags(String fingerprint) {
        return authority.asked.stream().filter(login -> login.fingerprint().equals(fingerprint))
                .map(KeyLogin::signatureVerified).toList();
    }

    private static void assertRefused(Process ssh) throws Exception {
        assertTrue(ssh.waitFor(30, TimeUnit.SECONDS), "ssh did not exit");
        assertEquals(255, ssh.exitValue());
        String stderr = OpenSsh.stderr(ssh);
        assertTrue(stderr.contains("Permission denied (publickey)"), stderr);
    }

    private static String clientIdOf(Path identity) throws Exception {
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        return ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
    }
}
