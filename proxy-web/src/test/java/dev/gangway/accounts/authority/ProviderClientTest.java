package dev.gangway.accounts.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.gangway.accounts.signin.OidcClientSettings;

/**
 * {@link ProviderClient} against a small provider served on loopback by the JDK's HTTP server: discovery, JWKS, and a
 * token endpoint whose answer each test sets. What is tested is how the provider's answers map to results, the one
 * piece of logic of ours between Nimbus's requests and responses: only invalid_grant refuses a person.
 */
class ProviderClientTest {

    private static final String CLIENT = "gangway";
    private static final String SECRET = "s3cret";
    private static final String SUBJECT = "sub-1";

    private HttpServer server;
    private URI issuer;
    private RSAKey signingKey;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private volatile int tokenStatus;
    private volatile String tokenBody;
    private volatile String lastAuthorization;
    private volatile String lastForm;

    @BeforeEach
    void startProvider() throws Exception {
        signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test");
        server.createContext("/realms/test/.well-known/openid-configuration", exchange -> respond(exchange, 200,
                "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/auth\","
                        + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/certs\","
                        + "\"userinfo_endpoint\":\"" + issuer + "/userinfo\",\"response_types_supported\":[\"code\"],"
                        + "\"subject_types_supported\":[\"public\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
        server.createContext("/realms/test/certs", exchange -> respond(exchange, 200,
                new JWKSet(signingKey.toPublicJWK()).toString()));
        server.createContext("/realms/test/token", exchange -> {
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            lastForm = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            respond(exchange, tokenStatus, tokenBody);
        });
        server.createContext("/realms/test/userinfo", exchange -> respond(exchange, 200, answers.get("userinfo")));
        server.start();
    }

    @AfterEach
    void stopProvider() {
        server.stop(0);
    }

    @Test
    void aRefreshWithAVerifiedIdTokenConfirmsThePersonWithTheirCurrentGroupsAndTheRotatedToken() throws Exception {
        answerTokens(idToken(signingKey, SUBJECT, List.of("users", "admins")), "rotated-token");
        RefreshResult.Confirmed confirmed = assertInstanceOf(RefreshResult.Confirmed.class, client().refresh(SUBJECT,
                "old-token"));
        assertEquals(List.of("users", "admins"), confirmed.person().groups());
        assertEquals("alice", confirmed.person().displayName());
        assertTrue(confirmed.person().admin());
        assertEquals("rotated-token", confirmed.refreshToken());
        assertTrue(lastForm.contains("grant_type=refresh_token") && lastForm.contains("refresh_token=old-token"),
                lastForm);
        assertTrue(lastAuthorization.startsWith("Basic "), "client_secret_basic: " + lastAuthorization);
    }

    @Test
    void aProviderThatDoesNotRotateLeavesTheHeldTokenInPlace() throws Exception {
        answerTokens(idToken(signingKey, SUBJECT, List.of("users")), null);
        RefreshResult.Confirmed confirmed = assertInstanceOf(RefreshResult.Confirmed.class, client().refresh(SUBJECT,
                "old-token"));
        assertNull(confirmed.refreshToken());
    }

    @Test
    void withoutANewIdTokenTheGroupsComeFromUserInfo() throws Exception {
        answerTokens(null, "rotated");
        answers.put("userinfo", "{\"sub\":\"" + SUBJECT + "\",\"preferred_username\":\"alice\",\"groups\":[\"users\"]}");
        RefreshResult.Confirmed confirmed = assertInstanceOf(RefreshResult.Confirmed.class, client().refresh(SUBJECT,
                "old-token"));
        assertEquals(List.of("users"), confirmed.person().groups());
    }

    @Test
    void invalidGrantRefusesThePerson() {
        tokenStatus = 400;
        tokenBody = "{\"error\":\"invalid_grant\",\"error_description\":\"User disabled\"}";
        RefreshResult.Refused refused = assertInstanceOf(RefreshResult.Refused.class, client().refresh(SUBJECT, "t"));
        assertEquals("invalid_grant: User disabled", refused.reason());
    }

    @Test
    void errorsAboutThisServerOrTheProviderLeaveThePersonUnanswered() {
        tokenStatus = 401;
        tokenBody = "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials\"}";
        RefreshResult.Unavailable badSecret = assertInstanceOf(RefreshResult.Unavailable.class,
                client().refresh(SUBJECT, "t"));
        assertTrue(badSecret.reason().contains("invalid_client"), badSecret.reason());

        tokenStatus = 503;
        tokenBody = "<html>down for maintenance</html>";
        assertInstanceOf(RefreshResult.Unavailable.class, client().refresh(SUBJECT, "t"));
    }

    @Test
    void anIdTokenSignedByAnotherKeyOrForAnotherSubjectIsNotBelieved() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        answerTokens(idToken(stranger, SUBJECT, List.of("users")), "rotated");
        RefreshResult.Unavailable forged = assertInstanceOf(RefreshResult.Unavailable.class,
                client().refresh(SUBJECT, "t"));
        assertTrue(forged.reason().contains("failed verification"), forged.reason());

        answerTokens(idToken(signingKey, "sub-2", List.of("users")), "rotated");
        RefreshResult.Unavailable other = assertInstanceOf(RefreshResult.Unavailable.class,
                client().refresh(SUBJECT, "t"));
        assertTrue(other.reason().contains("another subject"), other.reason());
    }

    @Test
    void anUnreachableProviderLeavesThePersonUnanswered() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProviderClient nowhere = new ProviderClient(new OidcClientSettings(
                URI.create("http://127.0.0.1:" + closedPort + "/realms/test"), CLIENT, SECRET), "groups", "admins");
        RefreshResult.Unavailable unavailable = assertInstanceOf(RefreshResult.Unavailable.class,
                nowhere.refresh(SUBJECT, "t"));
        assertTrue(unavailable.reason().contains("discovery"), unavailable.reason());
    }

    private ProviderClient client() {
        return new ProviderClient(new OidcClientSettings(issuer, CLIENT, SECRET), "groups", "admins");
    }

    private void answerTokens(String idToken, String refreshToken) {
        tokenStatus = 200;
        tokenBody = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300"
                + (idToken == null ? "" : ",\"id_token\":\"" + idToken + "\"")
                + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}";
    }

    private String idToken(RSAKey key, String subject, List<String> groups) throws JOSEException {
        Date now = new Date();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer.toString()).subject(subject).audience(CLIENT)
                .issueTime(now).expirationTime(new Date(now.getTime() + 300_000))
                .claim("preferred_username", "alice").claim("groups", groups).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body != null && body.startsWith("{")
                ? "application/json" : "text/html");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
