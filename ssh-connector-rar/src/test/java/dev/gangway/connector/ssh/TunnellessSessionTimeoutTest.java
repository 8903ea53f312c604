package dev.gangway.connector.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** An SSH login that holds no tunnel is let go after the tunnelless timeout; one that holds a tunnel is not. */
class TunnellessSessionTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    @TempDir
    Path dir;

    private SshTunnelServer server;
    private SshClient client;

    @BeforeEach
    void start() throws Exception {
        SshSettings base = TestSsh.settings(dir, AuthMode.OPEN, null);
        server = TestSsh.start(new SshSettings(base.bindAddress(), 0, base.baseUrl(), base.hostKeyFile(),
                AuthMode.OPEN, null, base.keepaliveInterval(), 3, base.takeoverCheckTimeout(), false, base.ciphers(),
                TIMEOUT, SshSettings.DEFAULT_CHANNEL_WINDOW));
        client = TestSsh.client();
    }

    @AfterEach
    void stop() {
        client.stop();
        server.stop();
    }

    @Test
    void aLoginWithoutTunnelsIsClosedAndOneWithATunnelStaysUntilItCancels() throws Exception {
        ClientSession holding = TestSsh.login(client, server.port(), "holding", TestSsh.ed25519());
        assertTrue(request(holding, GlobalRequestHandler.STREAMLOCAL_FORWARD, "/app"));
        long start = System.nanoTime();
        ClientSession idle = TestSsh.login(client, server.port(), "idle", TestSsh.ed25519());

        assertTrue(awaitClosed(idle, Duration.ofSeconds(3)), "a login holding nothing was not closed");
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis >= TIMEOUT.toMillis() - 100, "closed too early, after " + millis + " ms");

        Thread.sleep(3 * TIMEOUT.toMillis());
        assertTrue(holding.isOpen(), "a login holding a tunnel must stay");

        assertTrue(request(holding, GlobalRequestHandler.CANCEL_STREAMLOCAL_FORWARD, "/app"));
        assertTrue(awaitClosed(holding, Duration.ofSeconds(3)), "closed once its last tunnel went");
    }

    private static boolean request(ClientSession session, String name, String path) throws Exception {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        buffer.putString(name);
        buffer.putBoolean(true);
        buffer.putString(path);
        return session.request(name, buffer, TestSsh.TIMEOUT) != null;
    }

    private static boolean awaitClosed(ClientSession session, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!session.isOpen()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
