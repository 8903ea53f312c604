package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
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
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.Visitor;

/**
 * The exec commands of PROTOCOL.md ("Exec commands") as the real OpenSSH client runs them against the deployed EAR:
 * what {@code hello} and {@code tunnel-url} print, when the client ends, and that nothing but exec is served.
 * One client key for the class: exec commands do not change the registry, except the {@code -R} test, whose
 * tunnel dies with its connection.
 */
@ExtendWith(ArquillianExtension.class)
class ExecCommandsIT {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
    private static final String ENV = "exec-env";

    private static SshKeyPair key;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void makeKey() throws Exception {
        key = SshKeyPair.ed25519();
    }

    @AfterAll
    static void dropKey() throws Exception {
        if (key != null) {
            key.close();
        }
    }

    @Test
    void helloWithoutForwardsPrintsOneCrlfTerminatedJsonObjectAndExitsAtOnce() throws Exception {
        long start = System.nanoTime();
        SshRun.Result hello = SshRun.run(key, ENV, List.of(), SSH_TIMEOUT, "hello");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(0, hello.exitStatus(), hello.describe());
        assertTrue(hello.stdout().endsWith("}\r\n"), "CRLF after the JSON object" + hello.describe());
        assertEquals(1, hello.stdout().split("\n", -1).length - 1, "exactly one line" + hello.describe());
        ModelNode json = ModelNode.fromJSONString(hello.stdout().trim());
        assertEquals(Set.of("clientId", "tunnels", "baseUrl", "rootUrl"), json.keys(), hello.describe());
        assertEquals(key.clientId(), json.get("clientId").asString());
        assertEquals(0, json.get("tunnels").keys().size(), "an empty tunnels object" + hello.describe());
        assertBaseUrl(json.get("baseUrl"));
        assertEquals("http://localhost:" + ItServer.httpPort() + "/", json.get("rootUrl").asString());
        // "At once": no take-over to wait for, so nothing near the 5 s settle bound.
        assertTrue(millis < 4_000, "ssh host hello took " + millis + " ms");
    }

    @Test
    void helloWithRemoteForwardsListsThemAndHoldsTheConnection() throws Exception {
        try (Backend backend = Backend.start();
             SshProcess ssh = SshProcess.start(key, ENV, List.of(
                     "-R", "/held#access=public:localhost:" + backend.port(),
                     "-R", "heldtcp:80:localhost:" + backend.port()), "hello")) {

            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(SSH_TIMEOUT));

            assertEquals(key.clientId(), hello.get("clientId").asString(), hello.toJSONString(true));
            ModelNode tunnels = hello.get("tunnels");
            assertEquals(Set.of("/held#access=public", "heldtcp"), tunnels.keys(), hello.toJSONString(true));
            assertEquals(tunnelUrl("held"), tunnels.get("/held#access=public").asString());
            assertEquals(tunnelUrl("heldtcp"), tunnels.get("heldtcp").asString());
            assertBaseUrl(hello.get("baseUrl"));
            assertEquals("http://localhost:" + ItServer.httpPort() + "/", hello.get("rootUrl").asString());

            // Still connected after hello answered, and still holding both tunnels.
            assertStillRunning(ssh, Duration.ofSeconds(3));
            for (String name : List.of("held", "heldtcp")) {
                var response = Visitor.get(ItServer.tunnelHost(name + "-" + key.clientId()), "/via/" + name);
                assertEquals(200, response.statusCode(), response.body() + ssh.describe());
                assertEquals("backend GET /via/" + name, response.body());
            }
            assertTrue(ssh.isAlive(), "ssh exited while holding tunnels" + ssh.describe());
        }
    }

    @Test
    void tunnelUrlMapsEachNameToItsUrl() throws Exception {
        SshRun.Result result = SshRun.run(key, ENV, List.of(), SSH_TIMEOUT, "tunnel-url", "alpha", "Baz_Q");

        assertEquals(0, result.exitStatus(), result.describe());
        assertTrue(result.stdout().endsWith("}\r\n"), "CRLF after the JSON object" + result.describe());
        ModelNode json = ModelNode.fromJSONString(result.stdout().trim());
        assertEquals(Set.of("alpha", "Baz_Q"), json.keys(), result.describe());
        assertEquals(tunnelUrl("alpha"), json.get("alpha").asString());
        // Not a clean DNS label as given: lowercased and suffixed with the MD5 tag (PROTOCOL.md's example).
        assertEquals(tunnelUrl("baz_q-18m4"), json.get("Baz_Q").asString());
    }

    @Test
    void unknownCommandExitsNonZeroWithAMessage() throws Exception {
        SshRun.Result result = SshRun.run(key, ENV, List.of(), SSH_TIMEOUT, "frobnicate", "now");

        assertNotEquals(0, result.exitStatus(), result.describe());
        assertTrue(result.stderr().contains("unknown command"), result.describe());
        assertTrue(result.stderr().contains("hello"), "names the commands it knows" + result.describe());
        assertEquals("", result.stdout(), result.describe());
    }

    @Test
    void tunnelUrlWithoutANameIsAnUnknownCommand() throws Exception {
        SshRun.Result result = SshRun.run(key, ENV, List.of(), SSH_TIMEOUT, "tunnel-url");

        assertNotEquals(0, result.exitStatus(), result.describe());
        assertTrue(result.stderr().contains("tunnel-url <name>"), result.describe());
    }

    @Test
    void forcedPtyWithShellIsRefusedWithoutHanging() throws Exception {
        SshRun.Result result = SshRun.run(key, ENV, List.of("-tt"), SSH_TIMEOUT);

        assertNotEquals(0, result.exitStatus(), result.describe());
        // Logged in (not an auth failure), then both requests refused by the server.
        assertTrue(result.stderr().contains("PTY allocation request failed"), result.describe());
    }

    @Test
    void shellWithoutPtyIsRefusedWithoutHanging() throws Exception {
        SshRun.Result result = SshRun.run(key, ENV, List.of(), SSH_TIMEOUT);

        assertNotEquals(0, result.exitStatus(), result.describe());
        assertTrue(result.stderr().contains("shell request failed"), result.describe());
    }

    @Test
    void subsystemIsRefused() throws Exception {
        SshRun.Result result = SshRun.run(key, ENV, List.of("-s"), SSH_TIMEOUT, "sftp");

        assertNotEquals(0, result.exitStatus(), result.describe());
        assertTrue(result.stderr().contains("subsystem request failed"), result.describe());
    }

    private static void assertBaseUrl(ModelNode baseUrl) {
        assertEquals(Set.of("hostname", "port", "protocol"), baseUrl.keys(), baseUrl.toJSONString(true));
        assertEquals("localhost", baseUrl.get("hostname").asString());
        assertEquals(Integer.toString(ItServer.httpPort()), baseUrl.get("port").asString());
        assertEquals("http:", baseUrl.get("protocol").asString());
    }

    /** Fails if ssh exits within {@code wait}: it must stay up to hold its tunnels. */
    private static void assertStillRunning(SshProcess ssh, Duration wait) throws InterruptedException {
        try {
            int status = ssh.awaitExit(wait);
            throw new AssertionError("ssh exited with " + status + " while holding tunnels" + ssh.describe());
        } catch (java.util.concurrent.TimeoutException expected) {
            // Still running: what a tunnel client needs.
        }
    }

    private static String tunnelUrl(String part) {
        return "http://" + part + "-" + key.clientId() + ".localhost:" + ItServer.httpPort() + "/";
    }
}
