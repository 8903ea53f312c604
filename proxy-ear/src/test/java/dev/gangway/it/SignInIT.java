package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.BrowserSignIn;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HeadlessChromium;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.KeycloakServer;
import dev.gangway.it.support.RegistryEndpoint;
import dev.gangway.it.support.SsoMode;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.Visitor;

/**
 * Sign-in on the base host through WildFly's OIDC client against a real Keycloak (the test realm of
 * {@link KeycloakServer}), driven in headless Chromium through Keycloak's own login form. The shared IT server runs
 * authMode open; this class switches it to sso and back ({@link SsoMode}).
 */
@ExtendWith(ArquillianExtension.class)
class SignInIT {

    private static final String ENV = "signin-env";
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    private static KeycloakServer keycloak;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void switchToSso() throws Exception {
        keycloak = SsoMode.on();
    }

    @AfterAll
    static void switchBackToOpen() throws Exception {
        SsoMode.off();
    }

    @BeforeEach
    void needsChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @Test
    void aVisitorWithoutSessionIsSentToTheProvidersLoginPage() throws Exception {
        HttpResponse<String> response = Visitor.send(HttpRequest.newBuilder(ItServer.url("/_gangway/account")).GET());

        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(keycloak.issuer() + "/protocol/openid-connect/auth?"), location);
        assertTrue(location.contains("client_id=gangway"), location);
    }

    @Test
    void anAllowedPersonSignsInAndTheirAccountIsRecordedFromTheClaims() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            String landed = BrowserSignIn.signIn(browser, ItServer.url("/_gangway/signin").toString(), "alice",
                    "alice-password", ItServer.url("/_gangway/account").toString());

            assertEquals(ItServer.url("/_gangway/account").toString(), landed);
            assertEquals("alice", BrowserSignIn.text(browser, "display-name"));
            assertEquals("alice@example.com", BrowserSignIn.text(browser, "email"));
            assertEquals("gangway-users", BrowserSignIn.text(browser, "groups"));
            assertNull(BrowserSignIn.text(browser, "not-allowed"), "alice is in gangway-users");
            assertNull(BrowserSignIn.text(browser, "admin"));

            String subject = BrowserSignIn.text(browser, "subject");
            assertNotNull(subject);
            RegistryEndpoint.Answer account = RegistryEndpoint.call("account", "subject", subject);
            assertEquals(200, account.status(), account.describe());
            assertEquals("alice", account.body().get("displayName").asString(), account.describe());
            assertEquals("alice@example.com", account.body().get("email").asString(), account.describe());
            assertEquals("[\"gangway-users\"]", account.body().get("groups").toJSONString(true), account.describe());
            assertFalse(account.body().get("admin").asBoolean(), account.describe());
        }
    }

    @Test
    void anAdminIsRecognisedByTheAdminGroup() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            BrowserSignIn.signIn(browser, ItServer.url("/_gangway/signin").toString(), "ada", "ada-password",
                    ItServer.url("/_gangway/account").toString());

            assertEquals("ada", BrowserSignIn.text(browser, "display-name"));
            assertEquals("Administrator", BrowserSignIn.text(browser, "admin"));
            String subject = BrowserSignIn.text(browser, "subject");
            RegistryEndpoint.Answer account = RegistryEndpoint.call("account", "subject", subject);
            assertTrue(account.body().get("admin").asBoolean(), account.describe());
        }
    }

    @Test
    void aPersonOutsideTheAllowedGroupIsToldSo() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            BrowserSignIn.signIn(browser, ItServer.url("/_gangway/signin").toString(), "carol", "carol-password",
                    ItServer.url("/_gangway/account").toString());

            assertEquals("carol", BrowserSignIn.text(browser, "display-name"));
            String refusal = BrowserSignIn.text(browser, "not-allowed");
            assertNotNull(refusal);
            assertTrue(refusal.contains("gangway-users"), refusal);
        }
    }

    @Test
    void aKeyRegisteredByAnAllowedPersonLogsInAndAnUnregisteredOneIsRefused() throws Exception {
        String alice = signInForSubject("alice", "alice-password");
        try (SshKeyPair registered = SshKeyPair.ed25519(); SshKeyPair stranger = SshKeyPair.ed25519()) {
            // Until the self-service API exists, the key goes in through the registry's test-only endpoint.
            RegistryEndpoint.Answer added = RegistryEndpoint.call("addKey", "subject", alice,
                    "publicKey", registered.publicKeyLine(), "name", "laptop");
            assertEquals(200, added.status(), added.describe());

            SshRun.Result hello = SshRun.run(registered, ENV, List.of(), SSH_TIMEOUT, "hello");
            assertEquals(0, hello.exitStatus(), hello.describe());
            assertTrue(hello.stdout().contains("\"clientId\":\"" + registered.clientId() + "\""), hello.describe());
            RegistryEndpoint.Answer used = RegistryEndpoint.call("findByFingerprint", "fingerprint",
                    added.body().get("fingerprint").asString());
            assertTrue(used.body().get("lastUsedAt").isDefined(), "the login was recorded: " + used.describe());

            SshRun.Result refused = SshRun.run(stranger, ENV, List.of(), SSH_TIMEOUT, "hello");
            assertNotEquals(0, refused.exitStatus(), refused.describe());
            assertTrue(refused.stderr().contains("Permission denied (publickey)"), refused.describe());
        }
    }

    @Test
    void aKeyOfAPersonOutsideTheAllowedGroupIsRefused() throws Exception {
        String carol = signInForSubject("carol", "carol-password");
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            RegistryEndpoint.Answer added = RegistryEndpoint.call("addKey", "subject", carol,
                    "publicKey", key.publicKeyLine(), "name", "outsider");
            assertEquals(200, added.status(), added.describe());

            SshRun.Result refused = SshRun.run(key, ENV, List.of(), SSH_TIMEOUT, "hello");
            assertNotEquals(0, refused.exitStatus(), refused.describe());
            assertTrue(refused.stderr().contains("Permission denied (publickey)"), refused.describe());
        }
    }

    private static String signInForSubject(String username, String password) throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            return BrowserSignIn.signInToAccount(browser, username, password);
        }
    }

}
