package dev.gangway.proxy.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import dev.gangway.proxy.access.VisitorIdentity;

/**
 * Issues the {@code X-Gangway-Identity} JWT: issuer the base URL, audience the tunnel host, subject and profile of the
 * visitor, valid for {@link #LIFETIME}. A token is reused for the same visitor and tunnel host for
 * {@link #REUSE} (an ES256 signature per request would be wasted work on a page's many requests), so every token a
 * service receives still has at least {@code LIFETIME - REUSE} to live. Bounded like the other per-request caches.
 */
public final class IdentityTokens {

    static final Duration LIFETIME = Duration.ofMinutes(5);
    static final Duration REUSE = Duration.ofMinutes(1);
    private static final int MAX_ENTRIES = 4096;

    private final IdentityKey key;
    private final String issuer;
    private final Clock clock;
    private final ConcurrentMap<CacheKey, Issued> issued = new ConcurrentHashMap<>();
    private final VisitorSessions sessions;

    private record CacheKey(VisitorIdentity identity, String audience) {
    }

    private record Issued(String token, long reuseUntilMillis) {
    }

    /** @param issuer the base URL, as visitors and services know it */
    public IdentityTokens(IdentityKey key, String issuer, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sessions = new VisitorSessions(key, issuer, clock);
    }

    /** The session cookies of single sign-on visitors, signed with the same key. */
    public VisitorSessions sessions() {
        return sessions;
    }

    public String issuer() {
        return issuer;
    }

    /** The public key as a JWK Set, for {@code /.well-known/jwks.json}. */
    public String jwksJson() {
        return key.jwksJson();
    }

    /** @param audience the tunnel host name, lower case, without port */
    public String tokenFor(VisitorIdentity identity, String audience) {
        long now = clock.millis();
        CacheKey cacheKey = new CacheKey(identity, audience);
        Issued cached = issued.get(cacheKey);
        if (cached != null && now < cached.reuseUntilMillis()) {
            return cached.token();
        }
        String token = sign(identity, audience, now);
        if (issued.size() >= MAX_ENTRIES) {
            issued.clear();
        }
        issued.put(cacheKey, new Issued(token, now + REUSE.toMillis()));
        return token;
    }

    private String sign(VisitorIdentity identity, String audience, long nowMillis) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(identity.subject());
        claims.setIssuedAt(NumericDate.fromMilliseconds(nowMillis));
        claims.setExpirationTime(NumericDate.fromMilliseconds(nowMillis + LIFETIME.toMillis()));
        claims.setStringClaim("preferred_username", identity.user());
        if (identity.email() != null) {
            claims.setStringClaim("email", identity.email());
        }
        claims.setStringListClaim("groups", identity.groups());
        return key.sign(claims);
    }
}
