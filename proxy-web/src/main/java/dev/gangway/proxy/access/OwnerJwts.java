package dev.gangway.proxy.access;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Verifies Preevy-style owner JWTs (PROTOCOL.md): signed by the tunnel owner's SSH key with the one algorithm of its
 * type, issuer {@code preevy://<thumbprint URI>}, {@code iat} present, {@code exp} honoured when present (Preevy's
 * CLI issues 60-day tokens; Preevy's own server does not insist on one, so neither does this).
 *
 * <p>A browser or a script sends the same token with every request, and a signature check costs tens of
 * microseconds (EdDSA; see {@code OwnerJwtsTest} for the figures measured here) on the visitor's I/O thread, so a
 * token that verified is remembered, for its key, until it expires or for {@link #MAX_CACHE_MILLIS} at most. Only
 * successes are cached: a failure costs the caller the check each time, and holds no memory. The cache is cleared
 * whole when it reaches {@link #MAX_ENTRIES}, which only a flood of distinct valid tokens reaches.
 */
public final class OwnerJwts {

    static final int MAX_ENTRIES = 4096;
    /** A token without {@code exp}, or with a far one, is still checked again after this long. */
    static final long MAX_CACHE_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final int CLOCK_SKEW_SECONDS = 30;

    private final Clock clock;
    private final ConcurrentMap<CacheKey, Long> verifiedUntil = new ConcurrentHashMap<>();

    private record CacheKey(String thumbprintUri, String token) {
    }

    public OwnerJwts(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param token the compact JWS as the visitor sent it, possibly not a JWT at all
     * @return whether it grants access to a tunnel owned by {@code key}. Never throws on bad input
     */
    public boolean verify(String token, OwnerKey key) {
        long now = clock.millis();
        CacheKey cacheKey = new CacheKey(key.thumbprintUri(), token);
        Long until = verifiedUntil.get(cacheKey);
        if (until != null) {
            if (now < until) {
                return true;
            }
            verifiedUntil.remove(cacheKey, until);
        }
        JwtClaims claims;
        try {
            claims = consumer(key, now).processToClaims(token);
        } catch (InvalidJwtException | RuntimeException e) {
            // jose4j reports everything it cannot accept as InvalidJwtException; anything else a hostile token
            // provokes is a refusal too, never a 500.
            return false;
        }
        remember(cacheKey, claims, now);
        return true;
    }

    /** Whether {@link #verify} would answer from the cache, without a signature check. */
    public boolean isCached(String token, OwnerKey key) {
        Long until = verifiedUntil.get(new CacheKey(key.thumbprintUri(), token));
        return until != null && clock.millis() < until;
    }

    private static JwtConsumer consumer(OwnerKey key, long nowMillis) {
        return new JwtConsumerBuilder()
                .setVerificationKey(key.publicKey())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, key.algorithm())
                .setExpectedIssuer(key.issuer())
                .setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                // Preevy's tokens name no audience; one that does is not refused for it.
                .setSkipDefaultAudienceValidation()
                .setEvaluationTime(NumericDate.fromMilliseconds(nowMillis))
                .build();
    }

    private void remember(CacheKey cacheKey, JwtClaims claims, long now) {
        long until = now + MAX_CACHE_MILLIS;
        try {
            NumericDate exp = claims.getExpirationTime();
            if (exp != null) {
                until = Math.min(until, exp.getValueInMillis());
            }
        } catch (MalformedClaimException e) {
            return; // jose4j accepted it, but the cache will not guess its lifetime
        }
        if (verifiedUntil.size() >= MAX_ENTRIES) {
            verifiedUntil.clear();
        }
        verifiedUntil.put(cacheKey, until);
    }

    int cachedTokens() {
        return verifiedUntil.size();
    }
}
