package dev.gangway.connector.ssh;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Every logged-in SSH connection of the server, tunnels or not, so that revoking a key reaches connections that hold
 * no tunnel yet. The tunnel registry cannot serve: it knows a connection only while it holds or claims a tunnel.
 */
final class LiveSessions {

    private final Set<TunnelSession> sessions = ConcurrentHashMap.newKeySet();

    void add(TunnelSession session) {
        sessions.add(session);
    }

    void remove(TunnelSession session) {
        sessions.remove(session);
    }

    /** Revokes every connection {@code which} selects (see {@link TunnelSession#revoke}); how many there were. */
    int revoke(Predicate<TunnelSession> which, String reason) {
        String why = reason == null || reason.isBlank() ? "access revoked" : reason;
        int revoked = 0;
        for (TunnelSession session : sessions) {
            // remove() decides, so that two revocations racing for one connection count and close it once.
            if (which.test(session) && sessions.remove(session)) {
                session.revoke(why);
                revoked++;
            }
        }
        return revoked;
    }

    int revokeKey(String fingerprint, String reason) {
        return revoke(session -> session.keyFingerprint().equals(fingerprint), reason);
    }

    int revokeOwner(String subject, String reason) {
        return revoke(session -> session.keyOwner() != null && session.keyOwner().subject().equals(subject), reason);
    }
}
