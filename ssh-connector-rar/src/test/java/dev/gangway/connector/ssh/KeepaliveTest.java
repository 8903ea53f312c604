package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.TunnelKeys;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Liveness: the server's own keepalive drops a frozen client, and a frozen holder loses its name to a newcomer. */
class KeepaliveTest {

    @TempDir
    Path dir;

    private SshTunnelServer server;
    private SshClient client;
    private KeyPair key;
    private String tunnelKey;

    private void startServer(Duration keepalive, int maxMissed) throws Exception {
        SshSettings base = TestSsh.settings(dir, AuthMode.OPEN, null);
        server = TestSsh.start(new SshSettings(base.bindAddress(), 0, base.baseUrl(), base.hostKeyFile(),
                AuthMode.OPEN, null, keepalive, maxMissed, Duration.ofMillis(500), false, SshSettings.defaultCiphers(),
                Duration.ZERO, SshSettings.DEFAULT_CHANNEL_WINDOW));
    }

    @BeforeEach
    void client() throws Exception {
        client = TestSsh.client();
        key = TestSsh.ed25519();
        tunnelKey = TunnelKeys.key("app", ClientIds.fromPublicKey(key.getPublic()));
    }

    @AfterEach
    void stop() {
        client.stop();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void answeringClientStaysAndFrozenClientIsDropped() throws Exception {
        startServer(Duration.ofMillis(200), 3);
        try (FreezableProxy proxy = new FreezableProxy(server.port())) {
            ClientSession session = TestSsh.login(client, proxy.port(), "env1", key);
            assertTrue(forward(session, "/app"));
            Thread.sleep(1500); // many probes, all answered
            assertTrue(server.registry().find(tunnelKey).isPresent());

            proxy.freeze();
            assertTrue(awaitGone(Duration.ofSeconds(5)), "frozen client still holds its tunnel");
        }
    }

    @Test
    void frozenHolderLosesItsNameToANewConnection() throws Exception {
        startServer(Duration.ofMinutes(10), 3); // keepalive out of the way: the take-over probe decides
        try (FreezableProxy proxy = new FreezableProxy(server.port())) {
            ClientSession old = TestSsh.login(client, proxy.port(), "env1", key);
            assertTrue(forward(old, "/app"));
            var first = server.registry().find(tunnelKey).orElseThrow();

            ClientSession live = TestSsh.login(client, server.port(), "env1", key);
            assertFalse(forward(live, "/app"), "an answering holder must keep its name");

            proxy.freeze();
            assertTrue(forward(live, "/app"), "a frozen holder must lose its name");
            var second = server.registry().find(tunnelKey).orElseThrow();
            assertFalse(first == second);
            assertTrue(second.isOpen());
            assertFalse(first.isOpen());
        }
    }

    @Test
    void repliesKeepTheOrderOfRequestsWhileATakeOverIsChecked() throws Exception {
        startServer(Duration.ofMinutes(10), 3);
        try (FreezableProxy proxy = new FreezableProxy(server.port())) {
            ClientSession old = TestSsh.login(client, proxy.port(), "env1", key);
            assertTrue(forward(old, "/app"));
            proxy.freeze();

            ClientSession live = TestSsh.login(client, server.port(), "env1", key);
            // Sent back to back: the first waits ~500 ms for the take-over check, the second is refused at once.
            // OpenSSH (and MINA's client) pair replies with requests in order, so the refusal must wait its turn.
            CompletableFuture<Integer> takeOver = forwardAsync(live, "/app");
            CompletableFuture<Integer> invalid = forwardAsync(live, "/x#colour=red");
            assertEquals(SshConstants.SSH_MSG_REQUEST_SUCCESS, takeOver.get(10, TimeUnit.SECONDS));
            assertEquals(SshConstants.SSH_MSG_REQUEST_FAILURE, invalid.get(10, TimeUnit.SECONDS));
        }
    }

    private static CompletableFuture<Integer> forwardAsync(ClientSession session, String path) throws Exception {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        buffer.putString(GlobalRequestHandler.STREAMLOCAL_FORWARD);
        buffer.putBoolean(true);
        buffer.putString(path);
        CompletableFuture<Integer> reply = new CompletableFuture<>();
        session.request(buffer, GlobalRequestHandler.STREAMLOCAL_FORWARD, (cmd, data) -> reply.complete(cmd));
        return reply;
    }

    private boolean awaitGone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.registry().find(tunnelKey).isEmpty()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static boolean forward(ClientSession session, String path) throws Exception {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        buffer.putString(GlobalRequestHandler.STREAMLOCAL_FORWARD);
        buffer.putBoolean(true);
        buffer.putString(path);
        return session.request(GlobalRequestHandler.STREAMLOCAL_FORWARD, buffer, TestSsh.TIMEOUT) != null;
    }
}
