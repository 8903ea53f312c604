package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.TunnelRegistry;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;

import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Ties each SSH connection's life to the registry: a {@link TunnelSession} is attached when the client has
 * authenticated (its verified key gives the clientId, its user name the envId), and every tunnel of the connection
 * is dropped the moment the connection starts closing. Also counts the open SSH connections, logged in or not.
 */
final class TunnelSessions implements SessionListener {

    /** Marks a session counted as open, so that it is counted closed once, whatever MINA signals. */
    private static final AttributeKey<Boolean> COUNTED = new AttributeKey<>();

    private final TunnelRegistry registry;
    private final ScheduledExecutorService timer;
    private final SshSettings settings;
    private final LiveSessions live;

    TunnelSessions(TunnelRegistry registry, ScheduledExecutorService timer, SshSettings settings, LiveSessions live) {
        this.registry = registry;
        this.timer = timer;
        this.settings = settings;
        this.live = live;
    }

    @Override
    public void sessionCreated(Session session) {
        session.setAttribute(COUNTED, Boolean.TRUE);
        registry.statistics().sshConnectionOpened();
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated || TunnelSession.of(session) != null) {
            return;
        }
        SessionKey key = sessionKey(session);
        if (key == null) {
            session.close(true); // authenticated without a verified (and, in sso, decided) key: never let it in
            return;
        }
        TunnelSession owner = new TunnelSession(session, ClientIds.fromPublicKey(key.key()), session.getUsername(), key,
                timer, settings, registry);
        owner.attach();
        String remote = String.valueOf(session.getIoSession().getRemoteAddress());
        if (key.owner() != null) {
            KeyAuthLogger.LOG.loggedIn(owner.clientId(), owner.envId(), remote, key.fingerprint(),
                    key.owner().displayName(), key.owner().subject());
        } else {
            SshLogger.CLIENT.clientAuthenticated(owner.clientId(), owner.envId(), remote);
        }
        live.add(owner);
    }

    /** The key the session logged in with; in sso only one the key authority allowed. */
    private SessionKey sessionKey(Session session) {
        if (settings.authMode() == AuthMode.SSO) {
            return session.getAttribute(SessionKey.ACCEPTED);
        }
        // The key whose signature MINA verified; the authenticator itself also sees unsigned key queries.
        List<PublicKey> verified = session.getAttribute(UserAuthPublicKey.AUTHENTICATED_KEYS);
        return verified == null || verified.isEmpty() ? null : SessionKey.unowned(verified.get(verified.size() - 1));
    }

    /** Called by MINA as the session starts closing (before its channels are closed). */
    @Override
    public void sessionClosed(Session session) {
        if (session.removeAttribute(COUNTED) != null) {
            registry.statistics().sshConnectionClosed();
        }
        TunnelSession owner = TunnelSession.of(session);
        if (owner == null) {
            return;
        }
        live.remove(owner);
        owner.markClosed();
        int tunnels = registry.tunnelsOf(owner).size();
        registry.unregisterAll(owner);
        SshLogger.LOG.clientDisconnected(owner.clientId(), owner.envId(), tunnels);
    }
}
