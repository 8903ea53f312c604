package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.ServerReload;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshRun;

/**
 * {@code authMode=authorized-keys} on the deployed EAR: only listed keys log in, and a key added to the file is let
 * in without a restart. The shared IT server runs in open mode, so this class switches the mode the way an operator
 * does (the {@code gangway.auth-mode} system property the adapter's setting is an expression of, then
 * {@code :reload}) and switches it back after its tests, reloading again, so the classes after it see the server as
 * it was.
 */
@ExtendWith(ArquillianExtension.class)
class AuthorizedKeysIT {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
    private static final String ENV = "auth-env";
    private static final String[] AUTH_MODE_PROPERTY = {"system-property", "gangway.auth-mode"};

    private static SshKeyPair listed;
    private static Path authorizedKeys;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void switchToAuthorizedKeys() throws Exception {
        listed = SshKeyPair.ed25519();
        // Where the server's configuration points authorizedKeysFile by default: the IT server's own copy.
        authorizedKeys = ItServer.serverDir().resolve("standalone/configuration/gangway-authorized_keys");
        Files.writeString(authorizedKeys, listed.publicKeyLine() + "\n", StandardCharsets.US_ASCII);
        ManagementApi.result("add", AUTH_MODE_PROPERTY, "value", "authorized-keys");
        reloadAndAwaitLogin(listed);
    }

    @AfterAll
    static void switchBackToOpen() throws Exception {
        try (SshKeyPair anyKey = SshKeyPair.ed25519()) {
            ModelNode removed = ManagementApi.execute("remove", AUTH_MODE_PROPERTY);
            reloadAndAwaitLogin(anyKey);
            assertEquals("success", removed.get("outcome").asString(), removed.toJSONString(true));
        } finally {
            if (authorizedKeys != null) {
                Files.deleteIfExists(authorizedKeys);
            }
            if (listed != null) {
                listed.close();
            }
        }
    }

    @Test
    void listedKeyLogsIn() throws Exception {
        SshRun.Result hello = SshRun.run(listed, ENV, List.of(), SSH_TIMEOUT, "hello");

        assertEquals(0, hello.exitStatus(), hello.describe());
        assertTrue(hello.stdout().contains("\"clientId\":\"" + listed.clientId() + "\""), hello.describe());
    }

    @Test
    void unlistedKeyIsRefusedUntilItIsAddedToTheFile() throws Exception {
        try (SshKeyPair stranger = SshKeyPair.ed25519()) {
            SshRun.Result refused = SshRun.run(stranger, ENV, List.of(), SSH_TIMEOUT, "hello");

            assertNotEquals(0, refused.exitStatus(), refused.describe());
            assertTrue(refused.stderr().contains("Permission denied (publickey)"), refused.describe());
            assertTrue(refused.stdout().isEmpty(), refused.describe());

            // The file is re-read when it changes: no reload needed to let a new key in.
            Files.writeString(authorizedKeys, stranger.publicKeyLine() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.APPEND);
            SshRun.Result admitted = Poll.until(Duration.ofSeconds(10), "the added key admitted",
                    () -> SshRun.run(stranger, ENV, List.of(), SSH_TIMEOUT, "hello"), r -> r.exitStatus() == 0);
            assertTrue(admitted.stdout().contains(stranger.clientId()), admitted.describe());
        }
    }

    private static void reloadAndAwaitLogin(SshKeyPair key) throws Exception {
        ServerReload.reloadAndAwaitLogin(key, ENV);
    }
}
