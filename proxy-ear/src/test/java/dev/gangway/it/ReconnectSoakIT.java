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
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.ServerGauges;
import dev.gangway.it.support.Signals;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.Visitor;

/**
 * The short version of {@code benchmark/soak.sh}: one client restarted over and over, as autossh restarts a client
 * whose connection died, mostly killed (the server sees its TCP connection drop) and sometimes ending properly,
 * serving a request each time. Afterwards the server holds nothing more than before: no registry entry, SSH
 * connection, channel or thread, and no heap it cannot collect.
 */
@ExtendWith(ArquillianExtension.class)
class ReconnectSoakIT {

    private static final int RESTARTS = 100;
    private static final long HEAP_GROWTH_LIMIT = 16L << 20;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void aClientRestartedAHundredTimesLeavesNothingBehind() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        long heapBefore = heapUsedAfterGc();
        try (Backend backend = Backend.start(); SshKeyPair key = SshKeyPair.ed25519()) {
            String host = ItServer.tunnelHost("soak-" + key.clientId());
            long start = System.nanoTime();
            for (int i = 0; i < RESTARTS; i++) {
                SshProcess ssh = SshProcess.start(key, "soak", List.of("-R", "/soak:localhost:" + backend.port()),
                        "hello");
                try {
                    ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(Duration.ofSeconds(30)));
                    assertTrue(hello.hasDefined("tunnels", "/soak"), "restart " + i + ": " + ssh.describe());
                    assertEquals(200, Visitor.get(host, "/restart/" + i).statusCode(), "restart " + i);
                } finally {
                    if (i % 4 == 3) {
                        ssh.close(); // SIGTERM: ssh ends its session properly
                    } else {
                        Signals.kill(ssh.pid()); // the connection just drops
                        ssh.close();
                    }
                }
            }
            System.out.printf("ReconnectSoakIT: %d restarts in %d ms%n", RESTARTS,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
        ServerGauges.awaitBaseline(baseline);
        long growth = heapUsedAfterGc() - heapBefore;
        System.out.printf("ReconnectSoakIT: heap after GC grew by %d KiB%n", growth >> 10);
        assertTrue(growth < HEAP_GROWTH_LIMIT, "heap in use after a full GC grew by " + growth + " bytes");
    }

    private static long heapUsedAfterGc() throws Exception {
        String[] memory = {"core-service", "platform-mbean", "type", "memory"};
        ManagementApi.result("gc", memory);
        return ManagementApi.result("read-attribute", memory, "name", "heap-memory-usage").get("used").asLong();
    }
}
