package dev.gangway.connector.outbound;

import dev.gangway.connector.GangwayResourceAdapter;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.api.TunnelObserver;
import dev.gangway.connector.ssh.OpenSsh;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.TunnelKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tunnel observer the web tier registers through the connection factory (for its audit log), on a started
 * resource adapter with the real OpenSSH client: each open and close, the client's address as the kernel has it, and
 * why the tunnel closed.
 */
class TunnelObserverTest {

    @TempDir
    Path dir;

    private final OpenSsh openSsh = new OpenSsh();
    private final Events events = new Events();
    private GangwayResourceAdapter adapter;
    private TunnelConnectionFactory factory;
    private Path identity;
    private String clientId;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        adapter = new GangwayResourceAdapter();
        adapter.setSshPort(0);
        adapter.setSshBindAddress("127.0.0.1");
        adapter.setBaseUrl("http://gw.test:8080");
        adapter.setHostKeyFile(dir.resolve("host_key").toString());
        adapter.setTlsEnabled(false);
        TunnelManagedConnectionFactory managed = new TunnelManagedConnectionFactory();
        managed.setResourceAdapter(adapter);
        factory = (TunnelConnectionFactory) managed.createConnectionFactory();
        // Registered before the adapter starts, as a WAR may be deployed before a restart of the adapter.
        factory.observeTunnels(events);
        adapter.start(null);
        identity = OpenSsh.keygen(dir.resolve("id_ed25519"));
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        clientId = ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));
    }

    @AfterEach
    void stop() {
        openSsh.close();
        if (adapter != null) {
            adapter.stop();
        }
    }

    @Test
    void aTunnelOpenedAndTheClientGoneAreSeenWithTheClientsAddress() throws Exception {
        Process ssh = openSsh.ssh(port(), identity, "-R", "/web#access=private:127.0.0.1:9", "hello");
        OpenSsh.firstLine(ssh);

        Event opened = events.next();
        assertEquals("opened", opened.kind());
        assertEquals(TunnelKeys.key("web", clientId), opened.tunnel().key());
        assertEquals("/web#access=private", opened.tunnel().requestString());
        assertEquals(OpenSsh.fingerprint(identity), opened.tunnel().keyFingerprint());
        assertEquals("127.0.0.1:" + LoopbackConnections.clientPortTo(port()), opened.from(),
                "the address of ssh's end of the TCP connection");

        ssh.destroy();
        Event closed = events.next();
        assertEquals("closed", closed.kind());
        assertEquals(opened.tunnel(), closed.tunnel());
        assertEquals(opened.from(), closed.from());
        assertEquals("the SSH connection was closed by the client or the network", closed.reason());
    }

    @Test
    void aForwardCancelledThroughTheControlMasterIsSeenAsCancelledByTheClient() throws Exception {
        Path control = dir.resolve("ctl");
        Process master = openSsh.ssh(port(), identity, "-M", "-S", control.toString(),
                "-R", "/web:127.0.0.1:9", "-R", "/api:127.0.0.1:9", "hello");
        OpenSsh.firstLine(master);
        assertEquals("opened", events.next().kind());
        assertEquals("opened", events.next().kind());

        Process cancel = new ProcessBuilder("/usr/bin/ssh", "-F", "/dev/null", "-S", control.toString(), "-O", "cancel",
                "-R", "/web:127.0.0.1:9", "-l", "env1", "127.0.0.1").redirectErrorStream(true).start();
        assertTrue(cancel.waitFor(20, TimeUnit.SECONDS), "ssh -O cancel did not finish");
        assertEquals(0, cancel.exitValue(), new String(cancel.getInputStream().readAllBytes()));

        Event closed = events.next();
        assertEquals(TunnelKeys.key("web", clientId), closed.tunnel().key());
        assertEquals("cancelled by the client", closed.reason());
        assertTrue(master.isAlive(), "the connection stays with its other tunnel");
        assertNull(events.poll(300), "nothing else closed");
    }

    @Test
    void aRevokedKeysTunnelsAreSeenClosedWithTheRevocationsReason() throws Exception {
        Process ssh = openSsh.ssh(port(), identity, "-R", "/web:127.0.0.1:9", "hello");
        OpenSsh.firstLine(ssh);
        Event opened = events.next();

        assertEquals(1, factory.disconnectKey(OpenSsh.fingerprint(identity), "key removed by its owner"));

        Event closed = events.next();
        assertEquals("closed", closed.kind());
        assertEquals(opened.from(), closed.from());
        assertEquals("key removed by its owner", closed.reason());
    }

    @Test
    void anObserverNoLongerObservingHearsNothing() throws Exception {
        factory.stopObserving(events);

        Process ssh = openSsh.ssh(port(), identity, "-R", "/web:127.0.0.1:9", "hello");
        OpenSsh.firstLine(ssh);
        ssh.destroy();
        assertTrue(ssh.waitFor(10, TimeUnit.SECONDS));

        assertNull(events.poll(500));
    }

    private int port() {
        return adapter.sshServer().port();
    }

    private record Event(String kind, TunnelInfo tunnel, String from, String reason) {
    }

    private static final class Events implements TunnelObserver {
        private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

        @Override
        public void opened(TunnelInfo tunnel, String from) {
            queue.add(new Event("opened", tunnel, from, null));
        }

        @Override
        public void closed(TunnelInfo tunnel, String from, String reason) {
            queue.add(new Event("closed", tunnel, from, reason));
        }

        Event next() throws InterruptedException {
            Event event = queue.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "no tunnel event within 10 s");
            return event;
        }

        Event poll(long millis) throws InterruptedException {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Which port the one client connected to {@code serverPort} on loopback uses, from the kernel's socket table. */
    private static final class LoopbackConnections {

        static int clientPortTo(int serverPort) throws Exception {
            String remote = String.format("0100007F:%04X", serverPort);
            List<Integer> ports = Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1)
                    .map(String::trim).map(line -> line.split("\\s+"))
                    .filter(f -> f[2].equals(remote) && f[3].equals("01")) // ESTABLISHED, from the client's side
                    .map(f -> Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16))
                    .toList();
            assertEquals(1, ports.size(), "one client connection to port " + serverPort + ": " + ports);
            return ports.get(0);
        }
    }
}
