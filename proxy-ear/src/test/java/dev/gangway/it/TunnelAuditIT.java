package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.SshKeyPair;

/**
 * Tunnels opened and closed with the real {@code ssh} show in the server's {@code gangway-audit.log}: who (key
 * fingerprint, clientId, SSH user), what (tunnel, URL, access), from where (the client's address), why it closed,
 * and on which node ({@code node=}, the server's {@code jboss.node.name}, on every audit line).
 */
@ExtendWith(ArquillianExtension.class)
class TunnelAuditIT {

    private static final Path AUDIT_LOG = ItServer.serverDir().resolve("standalone/log/gangway-audit.log");
    private static final Pattern FROM = Pattern.compile(" from=(127\\.0\\.0\\.1:\\d+) ");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void aTunnelsOpenAndCloseAreAuditedWithWhoWhatFromWhereAndTheNode() throws Exception {
        String node = ManagementApi.result("read-attribute", new String[] {"core-service", "server-environment"},
                "name", "node-name").asString();
        String opened;
        String key;
        try (Backend backend = Backend.start(); SshKeyPair sshKey = SshKeyPair.ed25519();
             OpenSshTunnel tunnel = OpenSshTunnel.open(sshKey, "audited", "#access=private", backend.port(),
                     List.of())) {
            key = tunnel.key();
            String fingerprint = sshKey.sshKeygenFingerprint();
            opened = awaitLine("event=tunnel-opened", "tunnel=" + key + " ");
            assertTrue(opened.contains(" owner=- subject=- key=" + fingerprint + " client-id=" + tunnel.clientId()
                    + " ssh-user=audited-env tunnel=" + key + " url=http://" + key + ".localhost:" + ItServer.httpPort()
                    + "/ access=private from=127.0.0.1:"), opened);
        }
        String closed = awaitLine("event=tunnel-closed", "tunnel=" + key + " ");
        assertTrue(closed.contains(" reason=\"the SSH connection was closed by the client or the network\" "), closed);
        assertEquals(from(opened), from(closed), "the same SSH client's address");

        for (String line : Files.readAllLines(AUDIT_LOG)) {
            assertTrue(line.endsWith(" node=" + node), "every audit line names the node " + node + ": " + line);
            assertTrue(line.matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}.*"), line);
        }
        String serverLog = Files.readString(ItServer.serverDir().resolve("standalone/log/server.log"));
        assertFalse(serverLog.contains("event=tunnel-opened"), "audit lines go to their own file only");
    }

    private static String awaitLine(String... parts) throws Exception {
        List<String> lines = Poll.until(Duration.ofSeconds(10), "an audit line with " + List.of(parts),
                () -> Files.exists(AUDIT_LOG) ? Files.readAllLines(AUDIT_LOG) : List.<String>of(),
                l -> l.stream().anyMatch(x -> List.of(parts).stream().allMatch(x::contains)));
        return lines.stream().filter(x -> List.of(parts).stream().allMatch(x::contains)).reduce((a, b) -> b)
                .orElseThrow();
    }

    private static String from(String line) {
        Matcher m = FROM.matcher(line);
        assertTrue(m.find(), "no from= in " + line);
        return m.group(1);
    }
}
