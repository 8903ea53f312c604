package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/** The {@code X-Gangway-Identity} JWT a private tunnel's service receives, checked as a service would check it. */
public final class IdentityTokens {

    private IdentityTokens() {
    }

    /**
     * Verifies {@code token} against the JWKS the base host publishes: issuer the base URL, audience the tunnel's host
     * ({@code <tunnelKey>.<base host>}), a lifetime of minutes.
     */
    public static JwtClaims verifiedAgainstPublishedJwks(String token, String tunnelKey) throws Exception {
        assertNotNull(token, "no X-Gangway-Identity");
        HttpResponse<String> jwks = Visitor.get("/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode(), jwks.body());
        assertTrue(jwks.headers().firstValue("Content-Type").orElse("").startsWith("application/jwk-set+json"));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        var key = new VerificationJwkSelector().select(jws, new JsonWebKeySet(jwks.body()).getJsonWebKeys());
        assertNotNull(key, "the token's key id is in the published JWKS");
        String audience = tunnelKey + "." + ItServer.baseUrl().getHost();
        JwtClaims claims = new JwtConsumerBuilder().setVerificationKey(key.getKey())
                .setExpectedIssuer(ItServer.baseUrl().toString()).setExpectedAudience(audience)
                .setRequireExpirationTime().setRequireIssuedAt().build().processToClaims(token);
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertTrue(lifetime > 60 && lifetime <= 600, "a lifetime of minutes: " + lifetime);
        return claims;
    }
}
