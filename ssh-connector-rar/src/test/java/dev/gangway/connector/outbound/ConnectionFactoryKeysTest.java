package dev.gangway.connector.outbound;

import dev.gangway.connector.GangwayResourceAdapter;
import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.ssh.OpenSsh;
import jakarta.resource.spi.ResourceAdapterInternalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the web tier does with keys through the connection factory, against a started adapter and the real OpenSSH
 * client: registering its key authority, listing tunnels with their key and owner, revoking keys and owners.
 */
class ConnectionFactoryKeysTest {

    private static final KeyOwner ALICE = new KeyOwner("sub-alice", "alice", "alice@example.com", List.of("devs"));

    @TempDir
    Path dir;

    private final OpenSsh openSsh = new OpenSsh();
    private GangwayResourceAdapter adapter;
    private TunnelConnectionFactory factory;
    private Path identity;
    private String fingerprint;

    @BeforeEach
    void keys() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        identity = OpenSsh.keygen(dir.resolve("id_ed25519"));
        fingerprint = OpenSsh.fingerprint(identity);
    }

    @AfterEach
    void stop() {
        openSsh.close();
        if (adapter != null) {
            adapter.stop();
        }
    }

    @Test
    void inOpenModeTunnelsNameTheirKeyAndRevokingTheKeyEndsThem() throws Exception {
        start("open");
        Process ssh = openSsh.ssh(adapter.sshServer().port(), identity, "-R", "/app:127.0.0.1:9", "hello");
        OpenSsh.firstLine(ssh);

        TunnelInfo tunnel = single(factory.tunnels());
        assertEquals(fingerprint, tunnel.keyFingerprint());
        assertEquals(OpenSsh.publicKeyLine(identity), tunnel.publicKey(), "the key as its .pub file has it");
        assertNull(tunnel.owner());

        assertEquals(1, factory.disconnectKey(fingerprint, "key revoked"));
        assertEquals(List.of(), factory.tunnels());
        assertTrue(ssh.waitFor(10, TimeUnit.SECONDS), "ssh did not exit");
        assertEquals(0, factory.disconnectOwner(ALICE.subject(), "nobody owns keys in open mode"));
    }

    @Test
    void inSsoModeTheRegisteredAuthorityDecidesAndOwnersCanBeRevoked() throws Exception {
        start("sso");
        KeyAuthority authority = login -> CompletableFuture.completedFuture(login.fingerprint().equals(fingerprint)
                ? KeyDecision.allow(ALICE) : KeyDecision.refuse("unknown key"));
        factory.useKeyAuthority(authority);

        Process ssh = openSsh.ssh(adapter.sshServer().port(), identity, "-R", "/app:127.0.0.1:9", "hello");
        OpenSsh.firstLine(ssh);
        assertEquals(ALICE, single(factory.tunnels()).owner());

        assertEquals(1, factory.disconnectOwner(ALICE.subject(), "removed from the allowed group"));
        assertEquals(List.of(), factory.tunnels());
        assertTrue(ssh.waitFor(10, TimeUnit.SECONDS), "ssh did not exit");

        // Once the web tier is gone, nobody gets in.
        factory.clearKeyAuthority(authority);
        Process refused = openSsh.ssh(adapter.sshServer().port(), identity, "hello");
        assertTrue(refused.waitFor(20, TimeUnit.SECONDS), "ssh did not exit");
        assertTrue(OpenSsh.stderr(refused).contains("Permission denied (publickey)"));
    }

    @Test
    void aKeyDecisionTimeoutBelowOneSecondFailsTheStart() {
        adapter = adapter("sso");
        adapter.setKeyDecisionTimeoutSeconds(0);

        ResourceAdapterInternalException failure = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(null));
        assertTrue(failure.getMessage().contains("keyDecisionTimeoutSeconds"), failure.getMessage());
    }

    private void start(String authMode) throws Exception {
        adapter = adapter(authMode);
        adapter.start(null);
        TunnelManagedConnectionFactory managed = new TunnelManagedConnectionFactory();
        managed.setResourceAdapter(adapter);
        factory = (TunnelConnectionFactory) managed.createConnectionFactory();
    }

    private GangwayResourceAdapter adapter(String authMode) {
        GangwayResourceAdapter ra = new GangwayResourceAdapter();
        ra.setSshPort(0);
        ra.setSshBindAddress("127.0.0.1");
        ra.setBaseUrl("http://gw.test:8080");
        ra.setHostKeyFile(dir.resolve("host_key").toString());
        ra.setAuthMode(authMode);
        ra.setTlsEnabled(false); // no WildFly here to give the TLS front door its SSL context
        return ra;
    }

    private static TunnelInfo single(List<TunnelInfo> tunnels) {
        assertEquals(1, tunnels.size(), tunnels.toString());
        return tunnels.get(0);
    }
}
