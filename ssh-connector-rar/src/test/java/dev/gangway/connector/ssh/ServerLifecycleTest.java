package dev.gangway.connector.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.signature.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start and stop: threads, failures, and which client signatures are accepted. */
class ServerLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void stopLeavesNoThreadBehind() throws Exception {
        SshTunnelServer server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));
        SshClient client = TestSsh.client();
        try {
            TestSsh.login(client, server.port(), "env1", TestSsh.ed25519());
            assertTrue(gangwayThreads() > 0);
        } finally {
            server.stop();
            client.stop();
        }
        assertEquals(0, gangwayThreads());
        server.stop(); // idempotent
    }

    @Test
    void startFailsLoudlyWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SshSettings base = TestSsh.settings(dir, AuthMode.OPEN, null);
            SshTunnelServer server = new SshTunnelServer(new SshSettings(base.bindAddress(), taken.getLocalPort(),
                    base.baseUrl(), base.hostKeyFile(), AuthMode.OPEN, null, base.keepaliveInterval(), 3,
                    base.takeoverCheckTimeout(), false, base.ciphers(),
                    Duration.ZERO, SshSettings.DEFAULT_CHANNEL_WINDOW), new dev.gangway.connector.tunnel.TunnelRegistry(
                    base.baseUrl(), base.takeoverCheckTimeout()));
            Exception failure = assertThrows(Exception.class, server::start);
            assertTrue(failure.getMessage().contains(Integer.toString(taken.getLocalPort())), failure.getMessage());
            assertEquals(0, gangwayThreads());
        }
    }

    @Test
    void unreadableHostKeyFailsTheStartInsteadOfBeingReplaced() throws Exception {
        Path hostKey = dir.resolve("keys/host_key");
        Files.createDirectories(hostKey.getParent());
        Files.writeString(hostKey, "not a key");
        assertThrows(Exception.class, () -> TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null)));
        assertEquals("not a key", Files.readString(hostKey));
    }

    @Test
    void clientPreferringChaChaGetsAnAesCipher() throws Exception {
        SshTunnelServer server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));
        SshClient client = TestSsh.client();
        // OpenSSH's own preference order: MINA's pure-Java ChaCha20 must not be what a stock client gets.
        client.setCipherFactories(List.of(BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes128ctr,
                BuiltinCiphers.aes128gcm));
        try (ClientSession session = TestSsh.login(client, server.port(), "env1", TestSsh.ed25519())) {
            String negotiated = session.getNegotiatedKexParameter(KexProposalOption.S2CENC);
            assertTrue(negotiated.startsWith("aes"), negotiated);
        } finally {
            client.stop();
            server.stop();
        }
    }

    @Test
    void unknownCipherFailsTheStartNamingIt() throws Exception {
        SshSettings base = TestSsh.settings(dir, AuthMode.OPEN, null);
        Exception failure = assertThrows(Exception.class, () -> TestSsh.start(new SshSettings(base.bindAddress(), 0,
                base.baseUrl(), base.hostKeyFile(), AuthMode.OPEN, null, base.keepaliveInterval(), 3,
                base.takeoverCheckTimeout(), false, List.of("aes128-gcm@openssh.com", "rot13"),
                Duration.ZERO, SshSettings.DEFAULT_CHANNEL_WINDOW)));
        assertTrue(failure.getMessage().contains("'rot13'"), failure.getMessage());
        assertEquals(0, gangwayThreads());
    }

    @Test
    void sha1RsaSignaturesOnlyWhenAllowed() throws Exception {
        KeyPair rsa = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 3072);
        SshTunnelServer strict = TestSsh.start(TestSsh.settings(dir.resolve("a"), AuthMode.OPEN, null));
        SshClient sha2 = TestSsh.client();
        SshClient sha1 = TestSsh.client();
        sha1.setSignatureFactories(List.<NamedFactory<Signature>>of(BuiltinSignatures.rsa, BuiltinSignatures.ed25519));
        try {
            TestSsh.login(sha2, strict.port(), "env1", rsa).close(); // rsa-sha2-512/256
            assertThrows(Exception.class, () -> TestSsh.login(sha1, strict.port(), "env1", rsa));
        } finally {
            strict.stop();
        }
        SshSettings base = TestSsh.settings(dir.resolve("b"), AuthMode.OPEN, null);
        SshTunnelServer lenient = TestSsh.start(new SshSettings(base.bindAddress(), 0, base.baseUrl(),
                base.hostKeyFile(), AuthMode.OPEN, null, base.keepaliveInterval(), 3, base.takeoverCheckTimeout(),
                true, base.ciphers(), Duration.ZERO, SshSettings.DEFAULT_CHANNEL_WINDOW));
        try {
            TestSsh.login(sha1, lenient.port(), "env1", rsa).close();
        } finally {
            lenient.stop();
            sha1.stop();
            sha2.stop();
        }
    }

    private static long gangwayThreads() throws InterruptedException {
        // Threads that were told to stop may need a moment to leave the run loop.
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long count;
        do {
            count = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("gangway-ssh")).count();
            if (count == 0) {
                return 0;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return count;
    }
}
