package dev.gangway.proxy.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import dev.gangway.proxy.access.PrivateAccess;
import dev.gangway.proxy.access.VisitorIdentity;

/**
 * The session a single sign-on visitor holds on one tunnel host: a JWT in a host-only cookie, signed with the
 * identity key (so every node that shares the key accepts it; nothing is kept on the server). Its audience is
 * {@code session:<tunnel host>}, so that neither an identity JWT a service received nor another host's session
 * opens this host. Verified tokens are remembered until they expire, as owner JWTs are.
 */
public final class VisitorSessions implements PrivateAccess.Sessions {

    /** The cookie's name. Gangway's alone: it is taken out of every request before the service sees it. */
    public static final String COOKIE = "gangway_session";
    static final Duration LIFETIME = Duration.ofHours(8);
    private static final int MAX_ENTRIES = 4096;

    private final IdentityKey key;
    private final String issuer;
    private final Clock clock;
    private final ConcurrentMap<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(VisitorIdentity identity, String host, long untilMillis) {
    }

    VisitorSessions(IdentityKey key, String issuer, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A session token for {@code identity} on tunnel host {@code host} (lower case, no port). */
    public String issue(VisitorIdentity identity, String host) {
        long now = clock.millis();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience(host));
        claims.setSubject(identity.subject());
        claims.setIssuedAt(NumericDate.fromMilliseconds(now));
        claims.setExpirationTime(NumericDate.fromMilliseconds(now + LIFETIME.toMillis()));
        claims.setStringClaim("preferred_username", identity.user());
        if (identity.email() != null) {
            claims.setStringClaim("email", identity.email());
        }
        claims.setStringListClaim("groups", identity.groups());
        return key.sign(claims);
    }

    /** Seconds a session lasts, for the cookie's {@code Max-Age}. */
    public long lifetimeSeconds() {
        return LIFETIME.toSeconds();
    }

    @Override
    public boolean isCached(String token) {
        Verified cached = verified.get(token);
        return cached != null && clock.millis() < cached.untilMillis();
    }

    @Override
    public VisitorIdentity verify(String token, String host) {
        long now = clock.millis();
        Verified cached = verified.get(token);
        if (cached != null && now < cached.untilMillis()) {
            return cached.host().equals(host) ? cached.identity() : null;
        }
        JwtClaims claims;
        VisitorIdentity identity;
        try {
            claims = consumer(host, now).processToClaims(token);
            List<String> groups = claims.hasClaim("groups") ? claims.getStringListClaimValue("groups") : List.of();
            identity = new VisitorIdentity(claims.getSubject(), claims.getStringClaimValue("preferred_username"),
                    claims.getStringClaimValue("email"), groups);
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException | RuntimeException e) {
            return null;
        }
        if (verified.size() >= MAX_ENTRIES) {
            verified.clear();
        }
        try {
            verified.put(token, new Verified(identity, host, claims.getExpirationTime().getValueInMillis()));
        } catch (org.jose4j.jwt.MalformedClaimException e) {
            return identity;
        }
        return identity;
    }

    private JwtConsumer consumer(String host, long now) {
        return new JwtConsumerBuilder()
                .setVerificationKey(key.jwk().getPublicKey())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, IdentityKey.ALGORITHM)
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience(host))
                .setRequireExpirationTime()
                .setRequireSubject()
                .setEvaluationTime(NumericDate.fromMilliseconds(now))
                .build();
    }

    private static String audience(String host) {
        return "session:" + host;
    }
}
