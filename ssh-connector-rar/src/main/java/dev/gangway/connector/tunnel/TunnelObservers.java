package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelObserver;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells the web tier's {@link TunnelObserver}s (the audit log) when a tunnel of this node opens or closes, with the
 * SSH client's address and why it closed. Lives as long as the adapter, not one start of it, so that an observer
 * registered by the WAR stays registered across a restart of the adapter; each start's registry gets it as a
 * {@link TunnelListener}.
 *
 * <p>Runs on the thread that changed the registry, often an SSH I/O thread, which is why observers promise not to
 * block. One that throws is logged and the others are still told. Only this node's own tunnels are reported.
 */
public final class TunnelObservers implements TunnelListener {

    static final String CANCELLED = "cancelled by the client";
    static final String CONNECTION_CLOSED = "the SSH connection was closed by the client or the network";

    private final List<TunnelObserver> observers = new CopyOnWriteArrayList<>();

    public void add(TunnelObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    public void remove(TunnelObserver observer) {
        observers.remove(observer);
    }

    @Override
    public void registered(Tunnel tunnel) {
        if (observers.isEmpty() || !(tunnel instanceof RegisteredTunnel registered)) {
            return;
        }
        String from = registered.owner().remoteAddress();
        for (TunnelObserver observer : observers) {
            try {
                observer.opened(tunnel.info(), from);
            } catch (RuntimeException e) {
                TunnelLogger.LOG.observerFailed(observer.toString(), tunnel.info().key(), "opened", e);
            }
        }
    }

    @Override
    public void unregistered(Tunnel tunnel) {
        if (observers.isEmpty() || !(tunnel instanceof RegisteredTunnel registered)) {
            return;
        }
        TunnelOwner owner = registered.owner();
        String reason = closeReason(owner.isOpen(), owner.closedBecause());
        String from = owner.remoteAddress();
        for (TunnelObserver observer : observers) {
            try {
                observer.closed(tunnel.info(), from, reason);
            } catch (RuntimeException e) {
                TunnelLogger.LOG.observerFailed(observer.toString(), tunnel.info().key(), "closed", e);
            }
        }
    }

    /**
     * Why a tunnel left the registry, as far as its connection tells: the reason the server gave when it closed the
     * connection (a revocation, a take-over of one of its tunnels, missed keepalives) comes first, even if the
     * connection still looks open (the registry tells its listeners after it asked for the close); otherwise a
     * connection still open means the client cancelled this forward, and a closed one that the client or the network
     * ended it.
     */
    static String closeReason(boolean connectionOpen, String serverReason) {
        if (serverReason != null && !serverReason.isBlank()) {
            return serverReason;
        }
        return connectionOpen ? CANCELLED : CONNECTION_CLOSED;
    }
}
