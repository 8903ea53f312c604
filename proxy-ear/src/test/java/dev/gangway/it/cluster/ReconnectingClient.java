package dev.gangway.it.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.dmr.ModelNode;

import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;

/**
 * A tunnel client as a load balancer in front of the cluster would make it behave: a real {@code ssh -R} that, each
 * time its connection ends (or its tunnel is refused), connects again to the next node of the list after a short
 * pause. Keep-alives (1 s, 3 missed) end a connection to a node that went silent. Each time {@code hello} lists the
 * tunnel it records which node holds it and when.
 */
final class ReconnectingClient implements AutoCloseable {

    /** One successful connection: the tunnel is held on {@code node} since {@code at}; {@code hello} its answer. */
    record Held(ClusterNode node, Instant at, String hello) {
    }

    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(20);

    private final SshKeyPair key;
    private final String name;
    private final int backendPort;
    private final List<ClusterNode> nodes;
    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private final Thread loop;
    private volatile boolean closed;
    private volatile SshProcess current;

    private ReconnectingClient(SshKeyPair key, String name, int backendPort, List<ClusterNode> nodes) {
        this.key = key;
        this.name = name;
        this.backendPort = backendPort;
        this.nodes = nodes;
        this.loop = new Thread(this::run, "reconnecting-ssh-" + name);
        this.loop.setDaemon(true);
    }

    /** Starts the loop at the first node of {@code nodes}. */
    static ReconnectingClient start(SshKeyPair key, String name, int backendPort, List<ClusterNode> nodes) {
        ReconnectingClient client = new ReconnectingClient(key, name, backendPort, nodes);
        client.loop.start();
        return client;
    }

    /** The forward's request string, {@code /<name>}: hello's key for the tunnel. */
    String request() {
        return "/" + name;
    }

    String tunnelKey() {
        return name + "-" + key.clientId();
    }

    /** The next time the tunnel is held (a connection whose hello lists it), or an AssertionError after timeout. */
    Held awaitHeld(Duration timeout) throws InterruptedException {
        Held next = held.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("tunnel " + tunnelKey() + " not held on any node within " + timeout);
        }
        return next;
    }

    private void run() {
        int attempt = 0;
        while (!closed) {
            ClusterNode node = nodes.get(attempt++ % nodes.size());
            String request = request();
            try (SshProcess ssh = SshProcess.start(key, name + "-env", List.of(
                    "-p", Integer.toString(node.sshPort()),
                    "-o", "ServerAliveInterval=1",
                    "-o", "ServerAliveCountMax=3",
                    "-o", "ConnectTimeout=5",
                    "-R", request + ":localhost:" + backendPort), "hello")) {
                current = ssh;
                String line = awaitHello(ssh);
                if (line != null && ModelNode.fromJSONString(line).hasDefined("tunnels", request)) {
                    held.add(new Held(node, Instant.now(), line));
                    while (!closed && ssh.isAlive()) {
                        Thread.sleep(50);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // ssh could not start or ended oddly: try the next node.
            }
            current = null;
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** hello's answer, or null once ssh has ended without one (refused, node gone) or after the timeout. */
    private static String awaitHello(SshProcess ssh) throws InterruptedException {
        long deadline = System.nanoTime() + HELLO_TIMEOUT.toNanos();
        boolean exited = false;
        while (System.nanoTime() < deadline) {
            try {
                return ssh.awaitLine(Duration.ofMillis(250));
            } catch (TimeoutException e) {
                if (exited) {
                    return null;
                }
                // One more wait after the exit, for a line still on its way through the output pump.
                exited = !ssh.isAlive();
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        closed = true;
        SshProcess ssh = current;
        if (ssh != null) {
            ssh.close();
        }
        loop.interrupt();
        loop.join(10_000);
        key.close();
    }
}
