package dev.gangway.proxy.access;

import java.util.Objects;

import dev.gangway.connector.api.TunnelInfo;

/**
 * The decision for one visitor request to a private tunnel (PROTOCOL.md, "Private tunnels"; the caller lets
 * {@code OPTIONS} through before asking). Credentials, first that applies: Gangway's credential in
 * {@code Authorization} (an owner JWT); anything else in {@code Authorization}; nothing.
 */
public final class PrivateAccess {

    /** What the web tier does with the request. */
    public sealed interface Decision {
    }

    /** Let it through: the visitor proved to be the tunnel's owner with a JWT. */
    public record OwnerJwt(String thumbprintUri) implements Decision {
    }

    /** {@code 401} with {@code WWW-Authenticate: Basic}: credentials were sent and are not good, or Basic was asked for. */
    public record Unauthorized(String reason) implements Decision {
    }

    /** A redirect to the sign-in page, which returns the visitor to the URL asked for. */
    public record SignIn() implements Decision {
    }

    private final OwnerJwts jwts;
    private final OwnerKeys keys;

    public PrivateAccess(OwnerJwts jwts, OwnerKeys keys) {
        this.jwts = Objects.requireNonNull(jwts, "jwts");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Whether {@link #decide} would check a signature (milliseconds for EdDSA on Java 17): then the caller runs it off
     * the I/O thread. A token already verified, or no token at all, is decided at once.
     */
    public boolean needsSignatureCheck(TunnelInfo tunnel, String authorization) {
        String token = OwnerCredential.token(authorization);
        if (token == null) {
            return false;
        }
        OwnerKey key = keys.of(tunnel);
        return key != null && !jwts.isCached(token, key);
    }

    /**
     * @param authorization the visitor's {@code Authorization} header, or {@code null}
     * @param basicHint     whether the request asked for a Basic challenge ({@code ?_preevy_auth_hint=basic})
     */
    public Decision decide(TunnelInfo tunnel, String authorization, boolean basicHint) {
        if (authorization == null) {
            return basicHint ? new Unauthorized("no credentials; Basic asked for") : new SignIn();
        }
        String token = OwnerCredential.token(authorization);
        if (token == null) {
            return new Unauthorized("the Authorization header carries no Gangway credential");
        }
        OwnerKey key = keys.of(tunnel);
        if (key == null) {
            return new Unauthorized("the tunnel's owner key cannot sign owner JWTs (only ed25519 and RSA can)");
        }
        return jwts.verify(token, key) ? new OwnerJwt(key.thumbprintUri())
                : new Unauthorized("the JWT is not a valid owner JWT for this tunnel");
    }
}
