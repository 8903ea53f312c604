package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.BrowserSignIn;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HeadlessChromium;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.KeycloakServer;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.RegistryEndpoint;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.SsoMode;
import dev.gangway.it.support.Visitor;

/**
 * Re-checks at the identity provider, against the real Keycloak with the real {@code ssh}, in authMode sso with a
 * re-check interval of 1 minute ({@code gangway.sso.recheck-interval}, the shortest there is): a person removed from
 * the allowing group while their tunnel is open loses it within the interval; a person disabled at Keycloak is refused
 * at their next SSH login; an owner whose last confirmation is older than the key lifetime loses their tunnel and is
 * refused until they sign in again. Each test has a person of its own, made through Keycloak's admin API, so that no
 * other IT's people change.
 */
@ExtendWith(ArquillianExtension.class)
class SsoRecheckIT {

    private static final String RECHECK_INTERVAL_PROPERTY = "gangway.sso.recheck-interval";
    private static final Duration RECHECK_INTERVAL = Duration.ofMinutes(1);
    /** The interval, plus the refresh and the disconnect on a busy two-core machine. */
    private static final Duration RECHECK_LIMIT = RECHECK_INTERVAL.plusSeconds(30);
    private static final String ALLOWED_GROUP = "gangway-users";

    private static KeycloakServer keycloak;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void switchToSsoWithAOneMinuteInterval() throws Exception {
        keycloak = SsoMode.on(RECHECK_INTERVAL_PROPERTY, String.valueOf(RECHECK_INTERVAL.toMinutes()));
    }

    @AfterAll
    static void switchBackToOpen() throws Exception {
        SsoMode.off(RECHECK_INTERVAL_PROPERTY);
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(HeadlessChromium.available(), "needs " + HeadlessChromium.CHROMIUM + " and "
                + HeadlessChromium.CHROMEDRIVER + " (apt-get install chromium chromium-driver; .ci/run does)");
    }

    @Test
    void aPersonRemovedFromTheGroupLosesTheirOpenTunnelWithinTheInterval() throws Exception {
        String person = "dora";
        keycloak.createUser(person, "dora-password", ALLOWED_GROUP);
        try (HeadlessChromium browser = HeadlessChromium.start(); SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = Backend.start()) {
            BrowserSignIn.signInToAccount(browser, person, "dora-password");
            registerKey(browser, key, "laptop");
            String tunnelKey = "web-" + key.clientId();
            try (SshProcess ssh = SshProcess.start(key, "recheck-env", List.of("-R", "/web:localhost:" + backend.port()),
                    "hello")) {
                ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(Duration.ofSeconds(30)));
                assertTrue(hello.hasDefined("tunnels", "/web"), hello.toJSONString(true) + ssh.describe());
                assertEquals(200, Visitor.get(ItServer.tunnelHost(tunnelKey), "/").statusCode());

                keycloak.removeFromGroup(person, ALLOWED_GROUP);
                Instant removed = Instant.now();
                ssh.awaitExit(RECHECK_LIMIT);
                Duration gone = Duration.between(removed, Instant.now());
                System.out.printf("SsoRecheckIT: removed from %s at Keycloak -> tunnel gone after %d ms "
                        + "(re-check interval %d s)%n", ALLOWED_GROUP, gone.toMillis(), RECHECK_INTERVAL.toSeconds());
                assertNotEquals(200, Visitor.get(ItServer.tunnelHost(tunnelKey), "/").statusCode(),
                        "the tunnel is gone with the person's group");
            }
            assertAuditLine("event=standing-lost owner=" + person + " ", "no longer in group " + ALLOWED_GROUP,
                    "trigger=interval", "sessions-closed=1");
            SshRun.Result again = SshRun.run(key, "recheck-env", List.of(), Duration.ofSeconds(30), "hello");
            assertNotEquals(0, again.exitStatus(), "no new login either: " + again.describe());
        }
    }

    @Test
    void aPersonDisabledAtTheProviderIsRefusedAtTheirNextSshLogin() throws Exception {
        String person = "eve";
        keycloak.createUser(person, "eve-password", ALLOWED_GROUP);
        try (HeadlessChromium browser = HeadlessChromium.start(); SshKeyPair key = SshKeyPair.ed25519()) {
            String subject = BrowserSignIn.signInToAccount(browser, person, "eve-password");
            registerKey(browser, key, "desktop");
            Instant signedIn = lastConfirmedAt(subject);
            SshRun.Result before = SshRun.run(key, "disabled-env", List.of(), Duration.ofSeconds(30), "hello");
            assertEquals(0, before.exitStatus(), "accepted while enabled: " + before.describe());
            assertTrue(lastConfirmedAt(subject).isAfter(signedIn),
                    "the login's re-check at Keycloak confirmed eve again (a refresh that succeeded)");

            keycloak.disableUser(person);
            SshRun.Result after = SshRun.run(key, "disabled-env", List.of(), Duration.ofSeconds(30), "hello");
            assertNotEquals(0, after.exitStatus(), "refused once disabled at Keycloak: " + after.describe());
            assertAuditLine("event=standing-lost owner=" + person + " ", "refused to refresh", "trigger=ssh-login");
            assertAuditLine("event=ssh-login-refused key=" + key.sshKeygenFingerprint(), "refused by the identity "
                    + "provider");
        }
    }

    @Test
    void anOwnerNotConfirmedWithinTheKeyLifetimeLosesTheirTunnelAndIsRefusedUntilTheySignInAgain() throws Exception {
        String person = "finn";
        keycloak.createUser(person, "finn-password", ALLOWED_GROUP);
        try (SshKeyPair key = SshKeyPair.ed25519(); Backend backend = Backend.start()) {
            String subject;
            try (HeadlessChromium browser = HeadlessChromium.start()) {
                subject = BrowserSignIn.signInToAccount(browser, person, "finn-password");
                registerKey(browser, key, "laptop");
            }
            try (SshProcess ssh = SshProcess.start(key, "lifetime-env", List.of("-R", "/web:localhost:" + backend.port()),
                    "hello")) {
                ssh.awaitLine(Duration.ofSeconds(30));
                // The default key lifetime is 24 h: the last confirmation goes back 25 h (test-only endpoint).
                RegistryEndpoint.Answer backdated = RegistryEndpoint.call("confirmed", "subject", subject,
                        "at", Instant.now().minus(Duration.ofHours(25)).toString());
                assertEquals(200, backdated.status(), backdated.describe());
                Instant outlived = Instant.now();
                ssh.awaitExit(RECHECK_LIMIT);
                System.out.printf("SsoRecheckIT: key lifetime passed -> tunnel gone after %d ms%n",
                        Duration.between(outlived, Instant.now()).toMillis());
            }
            assertAuditLine("event=key-lifetime-passed owner=" + person + " ", "sessions-closed=1");
            SshRun.Result refused = SshRun.run(key, "lifetime-env", List.of(), Duration.ofSeconds(30), "hello");
            assertNotEquals(0, refused.exitStatus(), "refused while the sign-in is too old: " + refused.describe());
            assertAuditLine("event=ssh-login-refused key=" + key.sshKeygenFingerprint(), "longer ago than the key "
                    + "lifetime");

            // A new browser, so that Keycloak asks for the password again: a real sign-in.
            try (HeadlessChromium browser = HeadlessChromium.start()) {
                BrowserSignIn.signInToAccount(browser, person, "finn-password");
            }
            SshRun.Result accepted = SshRun.run(key, "lifetime-env", List.of(), Duration.ofSeconds(30), "hello");
            assertEquals(0, accepted.exitStatus(), "accepted again after signing in: " + accepted.describe());
        }
    }

    private static Instant lastConfirmedAt(String subject) throws Exception {
        RegistryEndpoint.Answer account = RegistryEndpoint.call("account", "subject", subject);
        assertEquals(200, account.status(), account.describe());
        return Instant.parse(account.body().get("lastConfirmedAt").asString());
    }

    /** Registers the key through the self-service API from the signed-in page, as its form does. */
    private static void registerKey(HeadlessChromium browser, SshKeyPair key, String name) throws Exception {
        ModelNode body = new ModelNode();
        body.get("publicKey").set(key.publicKeyLine());
        body.get("name").set(name);
        ModelNode status = browser.executeAsync("const done = arguments[arguments.length - 1];"
                + "fetch('/_gangway/api/keys', {method: 'POST', credentials: 'same-origin', headers: {"
                + "'Content-Type': 'application/json', 'X-Gangway-Request': '1'}, body: "
                + new ModelNode(body.toJSONString(true)).toJSONString(true) + "}).then(r => done(r.status));");
        assertEquals(201, status.asInt(), "key registered");
    }

    /** Waits for one audit line with every part. */
    private static void assertAuditLine(String... parts) throws Exception {
        Path audit = ItServer.serverDir().resolve("standalone/log/gangway-audit.log");
        Poll.until(Duration.ofSeconds(10), "an audit line with " + List.of(parts),
                () -> Files.readAllLines(audit).stream()
                        .anyMatch(line -> Arrays.stream(parts).allMatch(line::contains)),
                found -> found);
    }
}
