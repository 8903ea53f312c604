package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.ServerReload;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.StreamingService;
import dev.gangway.it.support.WebSocketBackend;
import dev.gangway.it.support.WebSocketVisitor;

/**
 * The operator's timeouts, set the way an operator sets them (the resource adapter's config properties in the
 * management model, then a reload) and restored afterwards: a silent WebSocket is closed after the visitor idle
 * timeout while one that pings is not, a service that never answers gets 504, the maximum request time ends even a
 * busy stream, and an SSH login that holds no tunnel is let go.
 */
@ExtendWith(ArquillianExtension.class)
class TimeoutsIT {

    private static final String ENV = "timeouts";
    private static final String[] ADAPTER = {"subsystem", "resource-adapters", "resource-adapter", "gangway"};
    private static final String[][] SETTINGS = {
            {"visitorIdleTimeoutSeconds", "2"}, {"maxRequestTimeSeconds", "4"}, {"tunnellessSessionTimeoutSeconds", "2"}};
    /** The values as configured (expressions), put back after the class. */
    private static final ModelNode[] ORIGINAL = new ModelNode[SETTINGS.length];

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    private static String[] property(String name) {
        return new String[] {ADAPTER[0], ADAPTER[1], ADAPTER[2], ADAPTER[3], "config-properties", name};
    }

    @BeforeAll
    static void shortenTheTimeouts() throws Exception {
        for (int i = 0; i < SETTINGS.length; i++) {
            ORIGINAL[i] = ManagementApi.result("read-attribute", property(SETTINGS[i][0]), "name", "value");
            ManagementApi.result("write-attribute", property(SETTINGS[i][0]), "name", "value", "value", SETTINGS[i][1]);
        }
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            ServerReload.reloadAndAwaitLogin(key, ENV);
        }
    }

    @AfterAll
    static void restoreTheTimeouts() throws Exception {
        for (int i = 0; i < SETTINGS.length; i++) {
            if (ORIGINAL[i] != null) {
                ManagementApi.result("write-attribute", property(SETTINGS[i][0]), "name", "value", "value", ORIGINAL[i]);
            }
        }
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            ServerReload.reloadAndAwaitLogin(key, ENV);
        }
    }

    @Test
    void aSilentWebSocketIsClosedAfterTheIdleTimeoutAndAPingingOneIsNot() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("idle", backend.port());
             WebSocketVisitor pinging = WebSocketVisitor.connect(tunnel.host(), "/pinging");
             WebSocketVisitor silent = WebSocketVisitor.connect(tunnel.host(), "/silent")) {
            long start = System.nanoTime();
            // Pings every 500 ms for three idle timeouts: traffic, so never idle.
            for (int i = 0; i < 12; i++) {
                Thread.sleep(500);
                pinging.ping(new byte[] {(byte) i});
                pinging.awaitPong(Duration.ofSeconds(5));
            }
            WebSocketVisitor.End end = silent.awaitEnd(Duration.ofSeconds(5));
            long silentFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(end.abnormal(), "the silent one was cut off: " + end);
            pinging.sendText("still here", true);
            assertEquals("still here", pinging.awaitText(Duration.ofSeconds(5)), "the pinging one is open after "
                    + silentFor + " ms");
        }
    }

    @Test
    void aServiceThatNeverAnswersGets504AfterTheIdleTimeout() throws Exception {
        try (Backend backend = Backend.start(exchange -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
             OpenSshTunnel tunnel = OpenSshTunnel.open("mute", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(15_000)) {
            long start = System.nanoTime();
            RawHttpConnection.Response response = visitor.get(tunnel.host(), "/never");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, response.status(), response.bodyText());
            assertTrue(millis >= 1_800 && millis < 6_000, "answered after " + millis + " ms");
        }
    }

    @Test
    void theMaximumRequestTimeEndsABusyStream() throws Exception {
        try (Backend backend = Backend.start(StreamingService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("endless", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(15_000)) {
            long start = System.nanoTime();
            // Events every 500 ms for 20 s: never idle, but longer than the maximum request time.
            visitor.send("GET", "/events?count=40&interval=500", tunnel.host(), null);
            assertEquals(200, visitor.readHead().status());
            byte[] buffer = new byte[4096];
            long received = 0;
            for (int n; (n = read(visitor, buffer)) >= 0; ) {
                received += n;
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(received > 0, "events came before the cut");
            assertTrue(millis >= 3_800 && millis < 8_000, "ended after " + millis + " ms");
        }
    }

    @Test
    void anSshLoginWithoutTunnelsIsLetGoAndOneWithATunnelStays() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = Backend.start();
             OpenSshTunnel holding = OpenSshTunnel.open("holding", backend.port())) {
            long start = System.nanoTime();
            try (SshProcess idle = SshProcess.start(key, ENV, List.of("-N"))) {
                int status = idle.awaitExit(Duration.ofSeconds(10));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(255, status, idle.describe());
                assertTrue(millis >= 1_500, "let go after " + millis + " ms, before the timeout");
            }
            assertTrue(holding.ssh().isAlive(), "the client holding a tunnel stays" + holding.ssh().describe());
        }
    }

    private static int read(RawHttpConnection visitor, byte[] buffer) throws java.io.IOException {
        try {
            return visitor.rawInput().read(buffer);
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }
}
