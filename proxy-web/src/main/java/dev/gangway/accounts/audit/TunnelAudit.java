package dev.gangway.accounts.audit;

import java.util.Locale;

import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.api.TunnelObserver;

/**
 * Writes a tunnel-opened and a tunnel-closed line to the audit log for every tunnel of this node: who (the key's owner
 * in authMode sso, the key's fingerprint and clientId always, the SSH user name), what (the tunnel's key, URL and
 * access), from where (the SSH client's address) and, for a close, why. Called on SSH I/O threads, so it only formats
 * and logs: the audit handler appends to a local file and never waits on the network.
 */
public final class TunnelAudit implements TunnelObserver {

    @Override
    public void opened(TunnelInfo tunnel, String from) {
        KeyOwner owner = tunnel.owner();
        AuditLog.LOG.tunnelOpened(ownerName(owner), subject(owner), tunnel.keyFingerprint(), tunnel.clientId(),
                AuditValues.token(tunnel.envId()), tunnel.key(), tunnel.url(), access(tunnel), AuditValues.token(from));
    }

    @Override
    public void closed(TunnelInfo tunnel, String from, String reason) {
        KeyOwner owner = tunnel.owner();
        AuditLog.LOG.tunnelClosed(ownerName(owner), subject(owner), tunnel.keyFingerprint(), tunnel.clientId(),
                AuditValues.token(tunnel.envId()), tunnel.key(), tunnel.url(), access(tunnel),
                AuditValues.quoted(reason), AuditValues.token(from));
    }

    private static String ownerName(KeyOwner owner) {
        return AuditValues.token(owner == null ? null : owner.displayName());
    }

    private static String subject(KeyOwner owner) {
        return AuditValues.token(owner == null ? null : owner.subject());
    }

    private static String access(TunnelInfo tunnel) {
        return tunnel.access().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "the audit log's tunnel observer";
    }
}
