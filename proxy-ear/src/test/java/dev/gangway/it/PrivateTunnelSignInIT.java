package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpExchange;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.BrowserSignIn;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HeadlessChromium;
import dev.gangway.it.support.IdentityTokens;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.RegistryEndpoint;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SsoMode;
import dev.gangway.it.support.Visitor;

/**
 * A private tunnel ({@code #access=private}, opened with the real {@code ssh} by a key alice registered) visited in
 * headless Chromium, signed in at the real Keycloak, end to end: no credentials lead to the base host's sign-in and
 * Keycloak's login form, and a member of {@code privateTunnelGroups} (tess, {@code gangway-testers}) lands back on the
 * very URL she asked for, which the service answers with the identity it received; the session cookie belongs to the
 * tunnel host alone. The owner gets through on her single sign-on session without a form; a signed-in non-member (bob)
 * gets 403 and reaches nothing.
 */
@ExtendWith(ArquillianExtension.class)
class PrivateTunnelSignInIT {

    private static final List<String> SEEN_HEADERS =
            List.of("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups", "X-Gangway-Identity", "Cookie");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void switchToSso() throws Exception {
        SsoMode.on();
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
    void membersAndTheOwnerSignInAtKeycloakAndLandOnTheUrlTheyAskedForOthersGet403() throws Exception {
        try (Backend service = Backend.start(PrivateTunnelSignInIT::showIdentity);
             HeadlessChromium owner = HeadlessChromium.start();
             SshKeyPair key = SshKeyPair.ed25519()) {
            String alice = BrowserSignIn.signInToAccount(owner, "alice", "alice-password");
            RegistryEndpoint.Answer added = RegistryEndpoint.call("addKey", "subject", alice,
                    "publicKey", key.publicKeyLine(), "name", "laptop");
            assertEquals(200, added.status(), added.describe());

            try (OpenSshTunnel tunnel = OpenSshTunnel.open(key, "secret", "#access=private", service.port(),
                    List.of())) {
                String asked = "http://" + tunnel.host() + "/reports/q3?view=full&page=2";
                HttpResponse<String> anonymous = Visitor.get(tunnel.host(), "/reports/q3?view=full&page=2");
                assertEquals(302, anonymous.statusCode(), anonymous.body());
                assertEquals(ItServer.baseUrl() + "/_gangway/signin?return=" + URLEncoder.encode(asked,
                        StandardCharsets.UTF_8), anonymous.headers().firstValue("Location").orElse(null));

                try (HeadlessChromium member = HeadlessChromium.start()) {
                    // signIn checks that the browser, sent on from the tunnel, is on Keycloak's login form.
                    String landed = BrowserSignIn.signIn(member, asked, "tess", "tess-password", asked);
                    assertEquals(asked, landed, "back on the URL asked for, query included");

                    Map<String, String> seen = serviceView(member);
                    assertEquals("GET /reports/q3?view=full&page=2", seen.get("request"));
                    assertEquals("tess", seen.get("X-Forwarded-User"));
                    assertEquals("tess@example.com", seen.get("X-Forwarded-Email"));
                    assertEquals("gangway-testers", seen.get("X-Forwarded-Groups"));
                    assertEquals("", seen.get("Cookie"), "Gangway's session cookie never reaches the service");
                    JwtClaims identity = IdentityTokens.verifiedAgainstPublishedJwks(seen.get("X-Gangway-Identity"),
                            tunnel.key());
                    assertEquals("tess", identity.getStringClaimValue("preferred_username"));
                    assertEquals(List.of("gangway-testers"), identity.getStringListClaimValue("groups"));

                    ModelNode session = sessionCookie(member);
                    assertEquals(tunnel.key() + ".localhost", session.get("domain").asString(),
                            "host-only: the tunnel's own host, no parent domain: " + session);
                    assertTrue(session.get("httpOnly").asBoolean(), session.toJSONString(true));
                    assertEquals("Lax", session.get("sameSite").asString(), session.toJSONString(true));
                }

                // The owner is signed in at Keycloak already: single sign-on takes her through without a form.
                String ownPage = "http://" + tunnel.host() + "/mine";
                owner.navigate(ownPage);
                Poll.until(Duration.ofSeconds(30), Duration.ofMillis(200), "the owner back on " + ownPage,
                        () -> BrowserSignIn.location(owner), ownPage::equals);
                assertEquals("alice", serviceView(owner).get("X-Forwarded-User"));

                drain(service);
                try (HeadlessChromium stranger = HeadlessChromium.start()) {
                    String forbidden = "http://" + tunnel.host() + "/not-for-bob";
                    BrowserSignIn.signIn(stranger, forbidden, "bob", "bob-password", forbidden);
                    assertEquals(403, stranger.executeAsync("const done = arguments[arguments.length - 1];"
                            + "fetch(location.href).then(r => done(r.status));").asInt());
                    assertFalse(pageText(stranger).contains("X-Forwarded-User"), pageText(stranger));
                    Backend.Request reached = service.awaitRequest(300, TimeUnit.MILLISECONDS);
                    assertTrue(reached == null || reached.uri().equals("/favicon.ico"),
                            "a non-member reaches nothing: " + reached);
                }
            }
        }
    }

    /** The service behind the tunnel: answers with the request line and the identity headers it received. */
    private static void showIdentity(HttpExchange exchange) throws IOException {
        StringBuilder text = new StringBuilder("request: ").append(exchange.getRequestMethod()).append(' ')
                .append(exchange.getRequestURI()).append('\n');
        for (String name : SEEN_HEADERS) {
            String value = exchange.getRequestHeaders().getFirst(name);
            text.append(name).append(": ").append(value == null ? "" : value).append('\n');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** What the service answered, as the browser shows it: header name to value. */
    private static Map<String, String> serviceView(HeadlessChromium browser) throws Exception {
        String text = Poll.until(Duration.ofSeconds(10), "the service's answer in the browser", () -> pageText(browser),
                t -> t.startsWith("request: "));
        return text.lines().map(line -> line.split(": ", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : "", (a, b) -> a));
    }

    private static String pageText(HeadlessChromium browser) throws Exception {
        return browser.executeAsync("arguments[arguments.length - 1](document.body ? document.body.innerText : '');")
                .asString();
    }

    /** Gangway's session cookie as the browser keeps it for the current page (it is HttpOnly: scripts never see it). */
    private static ModelNode sessionCookie(HeadlessChromium browser) throws Exception {
        List<ModelNode> cookies = browser.cookies();
        ModelNode cookie = cookies.stream().filter(c -> c.get("name").asString().equals("gangway_session")).findFirst()
                .orElse(null);
        assertNotNull(cookie, "no gangway_session cookie for this page: " + cookies);
        return cookie;
    }

    private static void drain(Backend service) throws InterruptedException {
        while (service.awaitRequest(0, TimeUnit.MILLISECONDS) != null) {
            // requests of the earlier visits, favicon included
        }
    }
}
