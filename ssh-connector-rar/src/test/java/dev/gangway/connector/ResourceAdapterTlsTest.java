package dev.gangway.connector;

import dev.gangway.connector.tls.TestTls;
import jakarta.resource.spi.ResourceAdapterInternalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter's TLS wiring: properties validated, start order and its undoing, SSH only over TLS, no thread left. */
class ResourceAdapterTlsTest {

    @TempDir
    static Path keys;

    private static SSLContext serverContext;

    @TempDir
    Path dir;

    private GangwayResourceAdapter adapter;

    @BeforeAll
    static void certificate() throws Exception {
        serverContext = TestTls.serverContext(keys, "gw.test");
    }

    @AfterEach
    void stop() {
        if (adapter != null) {
            adapter.stop();
        }
    }

    private GangwayResourceAdapter adapter() {
        GangwayResourceAdapter a = new GangwayResourceAdapter();
        a.setSshPort(0);
        a.setSshBindAddress("127.0.0.1");
        a.setBaseUrl("https://gw.test:8443");
        a.setHostKeyFile(dir.resolve("host_key").toString());
        a.setTlsPort(0);
        a.setTlsBindAddress("127.0.0.1");
        a.useTlsSources(settings -> new TestTls.FixedSources(serverContext,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
        return a;
    }

    @Test
    void sshOnlyOverTlsKeepsThePlainListenerOffTheNetwork() throws Exception {
        int threadsBefore = threads("gangway-");
        adapter = adapter();
        adapter.setSshPlainEnabled(false);
        adapter.start(null);
        assertTrue(adapter.tlsPort() > 0);
        assertEquals("SSH-2.0-", banner(adapter.tlsPort()).substring(0, 8));

        // The SSH server's own listener is on loopback only: not reachable on the machine's other addresses.
        int sshPort = adapter.sshServer().port();
        Optional<InetAddress> external = externalAddress();
        if (external.isPresent()) {
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(external.get(), sshPort), 1000);
                }
            });
        }
        adapter.stop();
        adapter = null;
        assertEquals(threadsBefore, threads("gangway-"), "threads left after stop");
    }

    @Test
    void aMissingSslContextFailsTheStartAndUndoesTheSshServer() throws Exception {
        int threadsBefore = threads("gangway-");
        adapter = adapter();
        adapter.useTlsSources(settings -> {
            throw new ResourceAdapterInternalException("no ssl-context " + settings.sslContextName());
        });
        ResourceAdapterInternalException failure = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(null));
        assertTrue(failure.getMessage().contains("gangwaySSC"), failure.getMessage());
        assertEquals(threadsBefore, threads("gangway-"), "the SSH server was not stopped");
        adapter = null;
    }

    @Test
    void aBusyTlsPortFailsTheStartNamingItAndReleasesEverything() throws Exception {
        int threadsBefore = threads("gangway-");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            adapter = adapter();
            adapter.setTlsPort(taken.getLocalPort());
            ResourceAdapterInternalException failure = assertThrows(ResourceAdapterInternalException.class,
                    () -> adapter.start(null));
            assertTrue(failure.getMessage().contains("TLS front door") && failure.getMessage().contains("tlsPort"),
                    failure.getMessage());
        }
        assertEquals(threadsBefore, threads("gangway-"), "threads left after the failed start");
        adapter = null;
    }

    @Test
    void badTlsSettingsFailLoudly() {
        GangwayResourceAdapter a = adapter();
        a.setTlsHandshakeTimeoutSeconds(0);
        assertTrue(assertThrows(ResourceAdapterInternalException.class, () -> a.start(null)).getMessage()
                .contains("tlsHandshakeTimeoutSeconds"));
        GangwayResourceAdapter b = adapter();
        b.setTlsEnabled(false);
        b.setSshPlainEnabled(false);
        assertTrue(assertThrows(ResourceAdapterInternalException.class, () -> b.start(null)).getMessage()
                .contains("sshPlainEnabled=false needs tlsEnabled=true"));
        GangwayResourceAdapter c = adapter();
        c.setTlsPort(70000);
        assertThrows(ResourceAdapterInternalException.class, () -> c.start(null));
    }

    @Test
    void tlsOffStartsNoFrontDoor() throws Exception {
        adapter = adapter();
        adapter.setTlsEnabled(false);
        adapter.start(null);
        assertEquals(-1, adapter.tlsPort());
        assertEquals(0, threads("gangway-tls"));
    }

    private static String banner(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"ssh"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static Optional<InetAddress> externalAddress() throws IOException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    private static int threads(String prefix) throws InterruptedException {
        // Pool threads end a moment after their executor reports terminated.
        long deadline = System.nanoTime() + 2_000_000_000L;
        int count;
        do {
            count = (int) Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
            if (count == 0) {
                return 0;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return count;
    }
}
