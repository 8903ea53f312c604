package dev.gangway.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gangway.proxy.access.MovableClock;
import dev.gangway.proxy.access.VisitorIdentity;

class IdentityTokensTest {

    @TempDir
    Path dir;

    private static final VisitorIdentity ALICE = new VisitorIdentity("sub-alice", "alice", "alice@example.com",
            List.of("devs", "ops"));

    @Test
    void theKeyFileIsMadeOnceOwnerOnlyAndKeptAcrossStarts() throws Exception {
        Path file = dir.resolve("conf/gangway-identity.jwk");
        IdentityKey first = IdentityKey.loadOrCreate(file);
        assertTrue(Files.exists(file));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        IdentityKey again = IdentityKey.loadOrCreate(file);
        assertEquals(first.jwksJson(), again.jwksJson(), "a second start (or node) signs with the same key");
        assertFalse(first.jwksJson().contains("\"d\""), "the JWKS must never carry the private part");
        assertTrue(first.jwksJson().contains("\"alg\":\"ES256\""), first.jwksJson());
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }
    }

    @Test
    void aFileThatIsNoPrivateKeyIsRefused() throws Exception {
        Path file = dir.resolve("bad.jwk");
        Files.writeString(file, "{\"kty\":\"oct\",\"k\":\"AAAA\"}");
        assertThrows(java.io.IOException.class, () -> IdentityKey.loadOrCreate(file));
        Files.writeString(file, "not json");
        assertThrows(java.io.IOException.class, () -> IdentityKey.loadOrCreate(file));
    }

    @Test
    void tokensVerifyAgainstThePublishedJwksWithIssuerAudienceAndClaims() throws Exception {
        IdentityKey key = IdentityKey.loadOrCreate(dir.resolve("k.jwk"));
        IdentityTokens tokens = new IdentityTokens(key, "http://gw.test:8080", Clock.systemUTC());
        String token = tokens.tokenFor(ALICE, "app-abc.gw.test");

        JwtClaims claims = verify(token, key.jwksJson(), "app-abc.gw.test");
        assertEquals("http://gw.test:8080", claims.getIssuer());
        assertEquals("sub-alice", claims.getSubject());
        assertEquals("alice", claims.getStringClaimValue("preferred_username"));
        assertEquals("alice@example.com", claims.getStringClaimValue("email"));
        assertEquals(List.of("devs", "ops"), claims.getStringListClaimValue("groups"));
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertEquals(IdentityTokens.LIFETIME.toSeconds(), lifetime);

        assertThrows(Exception.class, () -> verify(token, key.jwksJson(), "other-abc.gw.test"),
                "a token for one tunnel host is not valid for another");
        IdentityKey otherKey = IdentityKey.loadOrCreate(dir.resolve("other.jwk"));
        assertThrows(Exception.class, () -> verify(token, otherKey.jwksJson(), "app-abc.gw.test"));
    }

    @Test
    void aTokenIsReusedForAMinuteThenRenewed() throws Exception {
        IdentityKey key = IdentityKey.loadOrCreate(dir.resolve("k.jwk"));
        MovableClock clock = new MovableClock();
        IdentityTokens tokens = new IdentityTokens(key, "http://gw.test:8080", clock);
        String token = tokens.tokenFor(ALICE, "app-abc.gw.test");
        assertSame(token, tokens.tokenFor(ALICE, "app-abc.gw.test"));
        assertNotEquals(token, tokens.tokenFor(ALICE, "other-abc.gw.test"));
        clock.advance(IdentityTokens.REUSE.plusSeconds(1));
        assertNotEquals(token, tokens.tokenFor(ALICE, "app-abc.gw.test"));
    }

    private static JwtClaims verify(String token, String jwksJson, String audience) throws Exception {
        JsonWebKeySet jwks = new JsonWebKeySet(jwksJson);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        var jwk = new VerificationJwkSelector().select(jws, jwks.getJsonWebKeys());
        return new JwtConsumerBuilder().setVerificationKey(jwk.getKey()).setExpectedAudience(audience)
                .setExpectedIssuer("http://gw.test:8080").setRequireExpirationTime().build().processToClaims(token);
    }
}
