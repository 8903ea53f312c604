package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.SilentLink;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.Visitor;

/**
 * A tunnel client whose network vanished without a FIN comes back by itself, as autossh brings it back: the client
 * notices the silence (ServerAliveInterval), exits, is started again, and gets its tunnel name back from the server,
 * which still holds the dead connection, within the server's keepalive timeout (5 s x 3).
 *
 * <p>The client's own keepalive must outlast the server's take-over check (5 s): OpenSSH pairs global-request replies
 * with requests in order, so its keepalives are answered only after the forward request that waits for the check.
 * 2 s x 3 does; autossh's documented 30 s x 3 does by far.
 */
@ExtendWith(ArquillianExtension.class)
class ReconnectIT {

    private static final Duration SERVER_KEEPALIVE_TIMEOUT = Duration.ofSeconds(15);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void aClientCutOffSilentlyGetsItsNameBackWhenItReconnects() throws Exception {
        try (Backend backend = Backend.start();
             SshKeyPair key = SshKeyPair.ed25519();
             SilentLink network = new SilentLink(ItServer.sshPort())) {
            String forward = "/comeback:localhost:" + backend.port();
            String host = ItServer.tunnelHost("comeback-" + key.clientId());
            // What autossh passes to ssh so that a dead network ends the client instead of hanging it.
            List<String> options = List.of("-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=3", "-R", forward);

            try (SshProcess first = SshProcess.start(key, "laptop", concat(List.of("-p", Integer.toString(network.port())),
                    options), "hello")) {
                assertTrue(hello(first).hasDefined("tunnels", "/comeback"), first.describe());
                assertEquals(200, Visitor.get(host, "/before").statusCode());

                network.cut();
                long cutAt = System.nanoTime();
                // The client hears nothing back and gives up, as autossh's ssh does; the server hears nothing either.
                assertEquals(255, first.awaitExit(Duration.ofSeconds(20)), first.describe());

                long restartedAt = System.nanoTime();
                try (SshProcess second = SshProcess.start(key, "laptop", options, "hello")) {
                    ModelNode answer = hello(second);
                    long now = System.nanoTime();
                    long sinceRestart = Duration.ofNanos(now - restartedAt).toMillis();
                    System.out.printf("name back %d ms after the client restarted, %d ms after the network was cut%n",
                            sinceRestart, Duration.ofNanos(now - cutAt).toMillis());
                    assertTrue(answer.hasDefined("tunnels", "/comeback"), "the name came back: " + answer.toJSONString(true)
                            + second.describe());
                    assertTrue(sinceRestart < SERVER_KEEPALIVE_TIMEOUT.toMillis(),
                            "took " + sinceRestart + " ms, more than the server's keepalive timeout");
                    assertEquals(200, Visitor.get(host, "/after").statusCode());
                    assertEquals("/after", lastRequest(backend).uri());
                }
            }
        }
    }

    private static ModelNode hello(SshProcess ssh) throws Exception {
        return ModelNode.fromJSONString(ssh.awaitLine(Duration.ofSeconds(30)));
    }

    private static Backend.Request lastRequest(Backend backend) throws InterruptedException {
        Backend.Request last = null;
        for (Backend.Request r; (r = backend.awaitRequest(last == null ? 5 : 0, java.util.concurrent.TimeUnit.SECONDS)) != null; ) {
            last = r;
        }
        return last;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
