package dev.gangway.connector.ssh;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Every logged-in SSH connection of the server, tunnels or not, so that revoking a key reaches connections that hold
 * no tunnel yet. The tunnel registry cannot serve: it knows a connection only while it holds or claims a tunnel.
 *
 * <p>A login can be allowed by a decision taken just before its key was revoked, and join only after the revocation
 * looked for it. So revocations are remembered for as long as a decision can be in flight (the decision timeout, plus
 * a margin), and a joining connection whose decision was asked for before a revocation of its key or owner is
 * revoked at once.
 */
final class LiveSessions {

    private static final Duration MARGIN = Duration.ofMinutes(1);

    private final Set<TunnelSession> sessions = ConcurrentHashMap.newKeySet();
    /** Fingerprint, or owner subject, to {@link System#nanoTime()} of its latest revocation. */
    private final Map<String, Long> revokedKeys = new ConcurrentHashMap<>();
    private final Map<String, Long> revokedOwners = new ConcurrentHashMap<>();
    private final long rememberNanos;

    LiveSessions(Duration decisionTimeout) {
        this.rememberNanos = decisionTimeout.plus(MARGIN).toNanos();
    }

    /** A connection logged in; revoked at once if its key or owner was revoked while it was being decided. */
    void add(TunnelSession session) {
        sessions.add(session); // before the check: a revocation racing with it sees the connection or is seen by it
        SessionKey key = session.key();
        boolean revoked = revokedSince(revokedKeys, key.fingerprint(), key.askedAt())
                || key.owner() != null && revokedSince(revokedOwners, key.owner().subject(), key.askedAt());
        if (revoked && sessions.remove(session)) {
            session.revoke("access revoked while the login was being decided");
        }
    }

    void remove(TunnelSession session) {
        sessions.remove(session);
    }

    /** Every logged-in connection now. */
    java.util.List<TunnelSession> snapshot() {
        return java.util.List.copyOf(sessions);
    }

    int revokeKey(String fingerprint, String reason) {
        remember(revokedKeys, fingerprint);
        return revoke(session -> session.keyFingerprint().equals(fingerprint), reason);
    }

    int revokeOwner(String subject, String reason) {
        remember(revokedOwners, subject);
        return revoke(session -> session.keyOwner() != null && session.keyOwner().subject().equals(subject), reason);
    }

    /** Revokes every connection {@code which} selects (see {@link TunnelSession#revoke}); how many there were. */
    private int revoke(Predicate<TunnelSession> which, String reason) {
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

    private void remember(Map<String, Long> revoked, String id) {
        long now = System.nanoTime();
        revoked.put(id, now);
        revoked.values().removeIf(at -> now - at > rememberNanos);
    }

    private static boolean revokedSince(Map<String, Long> revoked, String id, long askedAt) {
        Long at = revoked.get(id);
        return at != null && at - askedAt >= 0;
    }
}
