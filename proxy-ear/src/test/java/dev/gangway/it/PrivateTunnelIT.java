package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.CurlRun;
import dev.gangway.it.support.EchoService;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.IdentityTokens;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.Visitor;
import dev.gangway.proxy.access.PreevyKey;

/**
 * Private tunnels ({@code ssh -R /name#access=private:…}) on the real server, visited with curl, the JDK's HTTP
 * client and raw HTTP: who gets through, what the others get, and what the service behind the tunnel sees in each
 * case. Owner JWTs are made as Preevy's CLI makes them, from the very key the real {@code ssh} logged in with.
 */
@ExtendWith(ArquillianExtension.class)
class PrivateTunnelIT {

    private static final int READ_TIMEOUT_MS = 15_000;

    private static Backend backend;
    private static OpenSshTunnel edTunnel;
    private static OpenSshTunnel rsaTunnel;
    private static PreevyKey edOwner;
    private static PreevyKey rsaOwner;
    private static PreevyKey stranger;
    private static SshKeyPair strangerKey;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void openPrivateTunnels() throws Exception {
        backend = Backend.start(EchoService::handle);
        SshKeyPair edKey = SshKeyPair.generate("ed25519");
        edOwner = PreevyKey.load(edKey.privateKey(), "ed25519");
        edTunnel = OpenSshTunnel.open(edKey, "secret", "#access=private", backend.port(), List.of());
        SshKeyPair rsaKey = SshKeyPair.generate("rsa", 3072);
        rsaOwner = PreevyKey.load(rsaKey.privateKey(), "rsa");
        rsaTunnel = OpenSshTunnel.open(rsaKey, "secret", "#access=private", backend.port(), List.of());
        strangerKey = SshKeyPair.generate("ed25519");
        stranger = PreevyKey.load(strangerKey.privateKey(), "ed25519");
    }

    @AfterAll
    static void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {edTunnel, rsaTunnel, strangerKey}) {
            if (c != null) {
                c.close();
            }
        }
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void forgetEarlierRequests() throws Exception {
        while (backend.awaitRequest(0, TimeUnit.MILLISECONDS) != null) {
            // drained
        }
    }

    private static String url(OpenSshTunnel tunnel, String target) {
        return "http://" + tunnel.host() + target;
    }

    @Test
    void noCredentialsRedirectsToSignInOnTheBaseHostAndReturnsToTheUrlAskedFor() throws Exception {
        HttpResponse<String> response = Visitor.get(edTunnel.host(), "/page?size=10&seed=1");

        assertEquals(302, response.statusCode(), response.body());
        assertEquals(ItServer.baseUrl() + "/_gangway/signin?return="
                        + URLEncoder.encode(url(edTunnel, "/page?size=10&seed=1"), StandardCharsets.UTF_8),
                response.headers().firstValue("Location").orElse(null));
        assertNull(backend.awaitRequest(200, TimeUnit.MILLISECONDS), "nothing may reach the service");
    }

    @Test
    void theBasicHintIsA401WithABasicChallengeAndOptionsPasses() throws Exception {
        CurlRun.Result hinted = CurlRun.run("-i", url(edTunnel, "/page?size=10&seed=1&_preevy_auth_hint=basic"));
        assertTrue(hinted.stdout().startsWith("HTTP/1.1 401"), hinted.describe());
        assertTrue(hinted.stdout().toLowerCase().contains("www-authenticate: basic realm="), hinted.describe());

        try (RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {
            visitor.send("OPTIONS", "/page?size=10&seed=2", edTunnel.host(), null);
            var options = visitor.readResponse();
            assertEquals(200, options.status(), options.bodyText());
        }
        assertEquals("OPTIONS", backend.awaitRequest(5, TimeUnit.SECONDS).method());
    }

    @Test
    void theOwnersJwtAsBasicWithCurlPassesAndTheServiceSeesGangwaysIdentityOnly() throws Exception {
        CurlRun.Result result = CurlRun.run("-o", "/dev/null", "-w", "%{http_code}",
                "-u", "x-preevy-profile-key:" + edOwner.jwt(),
                "-H", "X-Forwarded-User: mallory", "-H", "X-Forwarded-Email: mallory@example.com",
                "-H", "X-Forwarded-Groups: admins", "-H", "X-Gangway-Identity: forged",
                url(edTunnel, "/page?size=10&seed=3"));
        assertEquals("200", result.stdout(), result.describe());

        Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
        assertNotNull(seen);
        String profile = "preevy-profile:" + edOwner.thumbprintUri();
        assertNull(seen.header("Authorization"), "Gangway's own credential never reaches the service");
        assertEquals(List.of(profile), values(seen, "X-Forwarded-User"));
        assertNull(seen.header("X-Forwarded-Email"), "no e-mail is known for a key in open mode");
        assertNull(seen.header("X-Forwarded-Groups"));
        assertEquals(1, values(seen, "X-Gangway-Identity").size());
        JwtClaims claims = verifiedAgainstPublishedJwks(seen.header("X-Gangway-Identity"), edTunnel);
        assertEquals(profile, claims.getSubject());
        assertEquals(profile, claims.getStringClaimValue("preferred_username"));
    }

    @Test
    void theOwnersJwtAsBearerPassesForEd25519AndRsaKeys() throws Exception {
        HttpResponse<String> ed = Visitor.send(HttpRequest.newBuilder(ItServer.url("/page?size=10&seed=4"))
                .header("Host", edTunnel.host()).header("Authorization", "Bearer " + edOwner.jwt()));
        assertEquals(200, ed.statusCode(), ed.body());
        assertNull(backend.awaitRequest(5, TimeUnit.SECONDS).header("Authorization"));

        CurlRun.Result rsa = CurlRun.run("-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Authorization: Bearer " + rsaOwner.jwt(), url(rsaTunnel, "/page?size=10&seed=5"));
        assertEquals("200", rsa.stdout(), rsa.describe());
        Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
        assertEquals("preevy-profile:" + rsaOwner.thumbprintUri(), seen.header("X-Forwarded-User"));
        verifiedAgainstPublishedJwks(seen.header("X-Gangway-Identity"), rsaTunnel);
    }

    @Test
    void badCredentialsAreA401NeverA500AndReachNothing() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String[][] cases = {
            {"another key's JWT", "Bearer " + stranger.jwt()},
            {"an expired JWT", "Bearer " + edOwner.jwt(now - 7200, now - 3600)},
            {"a non-JWT bearer", "Bearer this-is-not-a-jwt"},
            {"garbage Basic", "Basic %%%not-base64"},
            {"the profile-key user with a non-JWT", "Basic " + Base64.getEncoder().encodeToString(
                    "x-preevy-profile-key:nope".getBytes(StandardCharsets.UTF_8))},
            {"the RSA owner's JWT on the ed25519 owner's tunnel", "Bearer " + rsaOwner.jwt()},
        };
        for (String[] c : cases) {
            CurlRun.Result result = CurlRun.run("-i", "-H", "Authorization: " + c[1], url(edTunnel, "/page?size=10&seed=6"));
            assertTrue(result.stdout().startsWith("HTTP/1.1 401"), c[0] + ": " + result.describe());
            assertTrue(result.stdout().toLowerCase().contains("www-authenticate: basic"), c[0]);
        }
        assertNull(backend.awaitRequest(200, TimeUnit.MILLISECONDS), "no refused request may reach the service");
    }

    @Test
    void onAPublicTunnelVisitorsIdentityHeadersAreDroppedAndTheServicesOwnBasicAuthPasses() throws Exception {
        try (OpenSshTunnel open = OpenSshTunnel.open("open", backend.port())) {
            String basic = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
            CurlRun.Result result = CurlRun.run("-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: " + basic,
                    "-H", "X-Forwarded-User: mallory", "-H", "X-Gangway-Identity: forged",
                    "-H", "X-Forwarded-Email: m@example.com", "-H", "X-Forwarded-Groups: admins",
                    url(open, "/page?size=10&seed=7"));
            assertEquals("200", result.stdout(), result.describe());
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertEquals(basic, seen.header("Authorization"));
            for (String name : List.of("X-Forwarded-User", "X-Gangway-Identity", "X-Forwarded-Email",
                    "X-Forwarded-Groups")) {
                assertNull(seen.header(name), name);
            }
        }
    }

    @Test
    void aSignedInMemberFollowsTheCallbackWithACookieJarAndTheServiceSeesThemButNotTheCookie() throws Exception {
        String returnUrl = url(edTunnel, "/page?size=10&seed=8");
        String callback = handoff("sub-tess", "tess", "tess@example.com", "staff,gangway-testers", returnUrl);
        assertTrue(callback.startsWith("http://" + edTunnel.host() + "/_gangway/callback?code="), callback);

        java.nio.file.Path jar = java.nio.file.Files.createTempFile("gangway-it-cookies", ".txt");
        try {
            // curl as a browser would: follow the redirect, keep the cookie the callback set.
            CurlRun.Result result = CurlRun.run("-L", "-c", jar.toString(), "-b", jar.toString(), "-D", "-",
                    "-o", "/dev/null", "-w", "%{http_code} %{url_effective}", callback);
            assertTrue(result.stdout().endsWith("200 " + returnUrl), result.describe());
            String headers = result.stdout().toLowerCase(java.util.Locale.ROOT);
            assertTrue(headers.contains("set-cookie: gangway_session="), result.describe());
            assertTrue(headers.contains("httponly") && headers.contains("samesite=lax"), result.describe());
            assertTrue(!headers.contains("domain="), "host-only cookie: " + result.describe());
            String cookies = java.nio.file.Files.readString(jar);
            assertTrue(cookies.contains(edTunnel.key() + ".localhost\tFALSE"), "stored for this host only: " + cookies);

            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen);
            assertEquals("/page?size=10&seed=8", seen.uri());
            assertNull(seen.header("Cookie"), "Gangway's session cookie never reaches the service");
            assertEquals("tess", seen.header("X-Forwarded-User"));
            assertEquals("tess@example.com", seen.header("X-Forwarded-Email"));
            assertEquals("staff,gangway-testers", seen.header("X-Forwarded-Groups"));
            JwtClaims claims = verifiedAgainstPublishedJwks(seen.header("X-Gangway-Identity"), edTunnel);
            assertEquals("sub-tess", claims.getSubject());
            assertEquals(List.of("staff", "gangway-testers"), claims.getStringListClaimValue("groups"));

            // The same code again: used.
            CurlRun.Result again = CurlRun.run("-o", "/dev/null", "-w", "%{http_code}", callback);
            assertEquals("400", again.stdout(), again.describe());
        } finally {
            java.nio.file.Files.deleteIfExists(jar);
        }
    }

    @Test
    void aSignedInNonMemberGetsA403AndReachesNothing() throws Exception {
        String returnUrl = url(edTunnel, "/page?size=10&seed=9");
        String callback = handoff("sub-olga", "olga", "", "staff", returnUrl);
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("gangway-it-cookies", ".txt");
        try {
            CurlRun.Result result = CurlRun.run("-L", "-c", jar.toString(), "-b", jar.toString(),
                    "-o", "/dev/null", "-w", "%{http_code}", callback);
            assertEquals("403", result.stdout(), result.describe());
            assertNull(backend.awaitRequest(200, TimeUnit.MILLISECONDS), "nothing may reach the service");
        } finally {
            java.nio.file.Files.deleteIfExists(jar);
        }
    }

    @Test
    void aProfilesTunnelsAreListedForItsOwnJwtOnly() throws Exception {
        String path = "/profiles/" + edOwner.thumbprintUri() + "/tunnels";
        HttpResponse<String> anonymous = Visitor.get(path);
        assertEquals(401, anonymous.statusCode(), anonymous.body());

        HttpResponse<String> wrongKey = Visitor.send(HttpRequest.newBuilder(ItServer.url(path))
                .header("Authorization", "Bearer " + stranger.jwt()));
        assertEquals(401, wrongKey.statusCode(), wrongKey.body());

        HttpResponse<String> unknown = Visitor.send(HttpRequest.newBuilder(ItServer.url(
                "/profiles/" + stranger.thumbprintUri() + "/tunnels")).header("Authorization", "Bearer " + stranger.jwt()));
        assertEquals(404, unknown.statusCode(), "a profile with no tunnel: " + unknown.body());

        CurlRun.Result listed = CurlRun.run("-u", "x-preevy-profile-key:" + edOwner.jwt(),
                ItServer.url(path).toString());
        org.jboss.dmr.ModelNode tunnels = org.jboss.dmr.ModelNode.fromJSONString(listed.stdout());
        assertEquals(1, tunnels.asList().size(), listed.describe());
        org.jboss.dmr.ModelNode tunnel = tunnels.get(0);
        assertEquals("secret-env", tunnel.get("envId").asString());
        assertEquals(edTunnel.key() + "." + ItServer.baseUrl().getHost(), tunnel.get("hostname").asString());
        assertEquals("private", tunnel.get("access").asString());
        assertTrue(tunnel.get("meta").isDefined(), listed.describe());
    }

    /** What the sign-in page will do once a person signed in: issue a one-time code (here the test-only endpoint). */
    private static String handoff(String subject, String name, String email, String groups, String returnUrl)
            throws Exception {
        String form = "subject=" + enc(subject) + "&name=" + enc(name) + "&email=" + enc(email) + "&groups="
                + enc(groups) + "&return=" + enc(returnUrl);
        HttpResponse<String> response = Visitor.send(HttpRequest.newBuilder(ItServer.url("/_gangway-test/visitor-handoff"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Every value the service received of a header (names compared case-insensitively). */
    private static List<String> values(Backend.Request request, String name) {
        return request.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    private static JwtClaims verifiedAgainstPublishedJwks(String token, OpenSshTunnel tunnel) throws Exception {
        return IdentityTokens.verifiedAgainstPublishedJwks(token, tunnel.key());
    }
}
