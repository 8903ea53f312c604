package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gangway.proxy.access.PreevyKey;

/**
 * Private tunnels through a real Undertow: who gets through, and what the others get (PROTOCOL.md "Private tunnels"),
 * with owner JWTs made from ssh-keygen keys and signed with the JDK.
 */
class ProxyPrivateTunnelTest {

    private static final String HOST = "secret-abc12345.gw.test";

    @TempDir
    static Path dir;
    private static PreevyKey owner;
    private static PreevyKey rsaOwner;
    private static PreevyKey stranger;

    private Backend backend;
    private ProxyServer proxy;

    @BeforeAll
    static void keys() throws Exception {
        owner = PreevyKey.generate(dir, "ed25519");
        rsaOwner = PreevyKey.generate(dir, "rsa");
        stranger = PreevyKey.generate(dir, "ed25519");
    }

    @BeforeEach
    void start() throws Exception {
        backend = new Backend();
        proxy = new ProxyServer();
        proxy.factory.registerPrivate("secret-abc12345", backend.address(), owner.publicKeyLine());
        proxy.factory.registerPrivate("rsa-abc12345", backend.address(), rsaOwner.publicKeyLine());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    private RawHttp.Response get(String host, String target, String... headers) throws Exception {
        return proxy.get(host, target, headers);
    }

    private JwtClaims verifiedIdentity(String token, String audience) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        var jwk = new VerificationJwkSelector().select(jws, new JsonWebKeySet(proxy.jwksJson()).getJsonWebKeys());
        return new JwtConsumerBuilder().setVerificationKey(jwk.getKey()).setExpectedAudience(audience)
                .setExpectedIssuer("http://gw.test:8080").setRequireExpirationTime().build().processToClaims(token);
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    @Test
    void noCredentialsRedirectsToTheBaseHostsSignInWithTheUrlAskedFor() throws Exception {
        RawHttp.Response response = get(HOST + ":8080", "/headers/p?x=1%202");
        assertEquals(302, response.status());
        assertEquals("http://gw.test:8080/_gangway/signin?return="
                        + URLEncoder.encode("http://" + HOST + ":8080/headers/p?x=1%202", StandardCharsets.UTF_8),
                response.header("Location"));
        assertEquals("no-store", response.header("Cache-Control"));
    }

    @Test
    void theBasicHintGetsA401WithABasicChallenge() throws Exception {
        RawHttp.Response response = get(HOST, "/headers/p?_preevy_auth_hint=basic");
        assertEquals(401, response.status());
        assertTrue(response.header("WWW-Authenticate").startsWith("Basic "), response.header("WWW-Authenticate"));
    }

    @Test
    void optionsPassesWithoutCredentials() throws Exception {
        try (RawHttp visitor = proxy.raw()) {
            visitor.send("OPTIONS /headers/o HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            RawHttp.Response options = visitor.read(false);
            assertEquals(200, options.status());
            assertTrue(options.text().startsWith("OPTIONS /headers/o\n"), options.text());
        }
    }

    @Test
    void theOwnersJwtPassesAsBasicAndAsBearer() throws Exception {
        RawHttp.Response basic = get(HOST, "/headers/b", basic("x-preevy-profile-key", owner.jwt()),
                "X-Forwarded-User: mallory\r\nx-gangway-identity: forged\r\nX-Forwarded-Groups: admins\r\n");
        assertEquals(200, basic.status(), basic.text());
        assertTrue(basic.text().startsWith("GET /headers/b\n"), basic.text());
        // The service's view: Gangway's credential gone, the visitor's identity claims replaced by Gangway's.
        String profile = "preevy-profile:" + owner.thumbprintUri();
        assertEquals(List.of(profile), Backend.echoed(basic.text(), "x-forwarded-user"));
        assertEquals(List.of(), Backend.echoed(basic.text(), "authorization"));
        assertEquals(List.of(), Backend.echoed(basic.text(), "x-forwarded-groups"), "an owner JWT carries no groups");
        assertEquals(List.of(), Backend.echoed(basic.text(), "x-forwarded-email"));
        List<String> identity = Backend.echoed(basic.text(), "x-gangway-identity");
        assertEquals(1, identity.size(), basic.text());
        JwtClaims claims = verifiedIdentity(identity.get(0), HOST);
        assertEquals(profile, claims.getSubject());
        assertEquals("http://gw.test:8080", claims.getIssuer());

        RawHttp.Response bearer = get(HOST, "/headers/c", "Authorization: Bearer " + owner.jwt() + "\r\n");
        assertEquals(200, bearer.status(), bearer.text());

        RawHttp.Response rsa = get("rsa-abc12345.gw.test", "/headers/r", "Authorization: Bearer " + rsaOwner.jwt() + "\r\n");
        assertEquals(200, rsa.status(), rsa.text());
    }

    @Test
    void visitorsIdentityHeadersAreDroppedOnPublicTunnelsTooWhereAuthorizationPasses() throws Exception {
        proxy.factory.register("open-abc12345", backend.address());
        RawHttp.Response response = get("open-abc12345.gw.test", "/headers/o", basic("alice", "secret"),
                "X-Forwarded-User: mallory\r\nX-Forwarded-Email: m@example.com\r\nX-Gangway-Identity: forged\r\n"
                        + "X-Forwarded-Groups: admins\r\n");
        assertEquals(200, response.status(), response.text());
        for (String name : new String[] {"x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
                "x-gangway-identity"}) {
            assertEquals(List.of(), Backend.echoed(response.text(), name), name);
        }
        assertEquals(List.of(basic("alice", "secret").substring("Authorization: ".length()).trim()),
                Backend.echoed(response.text(), "authorization"), "a service's own Basic auth passes");
    }

    @Test
    void everyBadCredentialIsA401NeverA500() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String[] bad = {
            "Authorization: Bearer " + stranger.jwt() + "\r\n",
            "Authorization: Bearer " + owner.jwt(now - 7200, now - 3600) + "\r\n",
            "Authorization: Bearer not-a-jwt\r\n",
            "Authorization: Basic %%%garbage\r\n",
            basic("x-preevy-profile-key", "not.a.jwt"),
            basic("alice", "secret"),
            // The RSA owner's token does not open the ed25519 owner's tunnel.
            "Authorization: Bearer " + rsaOwner.jwt() + "\r\n",
        };
        for (String header : bad) {
            RawHttp.Response response = get(HOST, "/headers/x", header);
            assertEquals(401, response.status(), header);
            assertTrue(response.header("WWW-Authenticate").startsWith("Basic "), header);
        }
        assertTrue(proxy.factory.opened.isEmpty(), "no refused request may reach the service");
    }
}
