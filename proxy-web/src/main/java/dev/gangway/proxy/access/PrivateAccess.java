package dev.gangway.proxy.access;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.gangway.connector.api.TunnelInfo;

/**
 * The decision for one visitor request to a private tunnel (PROTOCOL.md, "Private tunnels"; the caller lets
 * {@code OPTIONS} through before asking). Credentials, first that applies: Gangway's credential in
 * {@code Authorization} (an owner JWT); the session cookie of a single sign-on visitor (then any other
 * {@code Authorization} is the service's and passes); anything else in {@code Authorization}; nothing.
 */
public final class PrivateAccess {

    /** What the web tier does with the request. */
    public sealed interface Decision {
    }

    /** Let it through: the visitor proved to be the tunnel's owner with a JWT. */
    public record OwnerJwt(String thumbprintUri) implements Decision {
    }

    /** Let it through: a signed-in visitor who owns the tunnel or is in one of the allowed groups. */
    public record SignedIn(VisitorIdentity identity) implements Decision {
    }

    /** {@code 403}: signed in, but neither the owner nor in an allowed group. */
    public record Forbidden(VisitorIdentity identity) implements Decision {
    }

    /** {@code 401} with {@code WWW-Authenticate: Basic}: credentials were sent and are not good, or Basic was asked for. */
    public record Unauthorized(String reason) implements Decision {
    }

    /** A redirect to the sign-in page, which returns the visitor to the URL asked for. */
    public record SignIn() implements Decision {
    }

    /** Reads and checks a single sign-on visitor's session cookie for one tunnel host. */
    public interface Sessions {
        /** The visitor the token names, or {@code null} if it is no valid session for {@code host}. */
        VisitorIdentity verify(String token, String host);

        boolean isCached(String token);
    }

    private final OwnerJwts jwts;
    private final OwnerKeys keys;
    private final Sessions sessions;
    private final Set<String> allowedGroups;

    /** @param allowedGroups groups whose members may visit any private tunnel besides its owner */
    public PrivateAccess(OwnerJwts jwts, OwnerKeys keys, Sessions sessions, List<String> allowedGroups) {
        this.jwts = Objects.requireNonNull(jwts, "jwts");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.allowedGroups = Set.copyOf(allowedGroups);
    }

    /**
     * Whether {@link #decide} would check a signature (milliseconds for EdDSA on Java 17): then the caller runs it off
     * the I/O thread. A token already verified, or no token at all, is decided at once.
     */
    public boolean needsSignatureCheck(TunnelInfo tunnel, String authorization, String sessionCookie) {
        String token = OwnerCredential.token(authorization);
        if (token == null) {
            return sessionCookie != null && !sessions.isCached(sessionCookie);
        }
        OwnerKey key = keys.of(tunnel);
        return key != null && !jwts.isCached(token, key);
    }

    /**
     * @param authorization the visitor's {@code Authorization} header, or {@code null}
     * @param sessionCookie the value of the visitor's session cookie, or {@code null}
     * @param host          the tunnel host the request came to (lower case, no port): a session is valid on one only
     * @param basicHint     whether the request asked for a Basic challenge ({@code ?_preevy_auth_hint=basic})
     */
    public Decision decide(TunnelInfo tunnel, String authorization, String sessionCookie, String host,
                           boolean basicHint) {
        String token = OwnerCredential.token(authorization);
        if (token == null) {
            VisitorIdentity visitor = sessionCookie == null ? null : sessions.verify(sessionCookie, host);
            if (visitor != null) {
                return mayVisit(tunnel, visitor) ? new SignedIn(visitor) : new Forbidden(visitor);
            }
            if (authorization != null) {
                return new Unauthorized("the Authorization header carries no Gangway credential");
            }
            return basicHint ? new Unauthorized("no credentials; Basic asked for") : new SignIn();
        }
        OwnerKey key = keys.of(tunnel);
        if (key == null) {
            return new Unauthorized("the tunnel's owner key cannot sign owner JWTs (only ed25519 and RSA can)");
        }
        return jwts.verify(token, key) ? new OwnerJwt(key.thumbprintUri())
                : new Unauthorized("the JWT is not a valid owner JWT for this tunnel");
    }

    /** The tunnel's owner (its key's registered person, authMode sso), or a member of an allowed group. */
    private boolean mayVisit(TunnelInfo tunnel, VisitorIdentity visitor) {
        if (tunnel.owner() != null && tunnel.owner().subject().equals(visitor.subject())) {
            return true;
        }
        for (String group : visitor.groups()) {
            if (allowedGroups.contains(group)) {
                return true;
            }
        }
        return false;
    }
}
