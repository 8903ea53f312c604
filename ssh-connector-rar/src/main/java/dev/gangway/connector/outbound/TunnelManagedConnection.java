package dev.gangway.connector.outbound;

import dev.gangway.connector.ConnectorLogger;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelStream;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One pooled slot for visitor streams to one tunnel key, holding at most one SSH channel at a time.
 *
 * <p>The channel is opened when a handle is handed out and the slot has no open channel, and kept after a handle is
 * {@linkplain TunnelConnectionImpl#recycle() recycled} so that the next exchange reuses the backend's keep-alive
 * connection behind it. Closed handles, a backend that closed its side, or an idle channel that died leave the slot
 * empty, and the next hand-out opens a fresh channel on whichever SSH session holds the key then (a client that
 * reconnected, say). The slot itself therefore never turns invalid, and the pool never has to destroy and log it;
 * it is discarded by the pool's idle timeout.
 *
 * <p>State machine: {@code destroyed} is final; {@code handle} is the one visitor stream using the channel (the
 * connection definition is unshareable). When the channel or its SSH session dies while a handle is in use, the slot
 * forgets the channel at once (it is never handed out again) and the handle's I/O fails, so the web tier closes the
 * handle and the slot returns to the pool as usual. Listeners are copied before events fire, because a listener may
 * remove itself.
 */
public final class TunnelManagedConnection implements ManagedConnection {

    private final TunnelManagedConnectionFactory factory;
    private final String tunnelKey;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private Tunnel tunnel;
    private TunnelStream stream;
    private TunnelConnectionImpl handle;
    private int exchangesOnStream;
    private boolean destroyed;

    private PrintWriter logWriter;

    TunnelManagedConnection(TunnelManagedConnectionFactory factory, String tunnelKey) {
        this.factory = factory;
        this.tunnelKey = tunnelKey;
    }

    String tunnelKey() {
        return tunnelKey;
    }

    synchronized boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        // Runs on the allocating (worker) thread: opening a channel is a round trip to the client.
        TunnelStream current;
        Tunnel currentTunnel;
        boolean reused;
        synchronized (this) {
            if (destroyed) {
                throw new ResourceException("Managed connection to tunnel " + tunnelKey + " is destroyed");
            }
            if (handle != null) {
                throw new ResourceException("Managed connection to tunnel " + tunnelKey + " is already in use");
            }
            current = stream != null && stream.isOpen() && tunnel.isOpen() ? stream : null;
            currentTunnel = tunnel;
            reused = current != null && exchangesOnStream > 0;
        }
        if (current == null) {
            discardStream();
            currentTunnel = factory.directory().find(tunnelKey).orElseThrow(() -> wrap(
                    new TunnelException(TunnelException.Reason.NO_TUNNEL, "No active tunnel found: " + tunnelKey)));
            try {
                current = currentTunnel.openStream(factory.channelOpenTimeout());
            } catch (TunnelException e) {
                throw wrap(e);
            }
            TunnelStream opened = current;
            opened.onClose(() -> streamClosed(opened));
        }
        synchronized (this) {
            if (destroyed) {
                current.close();
                throw new ResourceException("Managed connection to tunnel " + tunnelKey + " was destroyed while opening");
            }
            if (stream != current) {
                tunnel = currentTunnel;
                stream = current;
                exchangesOnStream = 0;
            }
            handle = new TunnelConnectionImpl(this, current, currentTunnel.info(), currentTunnel.statistics(), reused);
            return handle;
        }
    }

    /** A handle ends its exchange: keep the channel for the next one only if it ended cleanly and reuse is on. */
    void handleClosed(TunnelConnectionImpl closing, boolean reusable) {
        TunnelStream toClose = null;
        TunnelStream kept = null;
        synchronized (this) {
            if (handle != closing) {
                return; // already detached: destroyed, cleaned up, or its session died
            }
            handle = null;
            closing.detach();
            if (reusable && factory.reuseChannels() && stream != null && stream.isOpen()) {
                exchangesOnStream++;
                kept = stream;
            } else {
                toClose = stream;
                forgetStream();
            }
        }
        if (toClose != null) {
            toClose.close();
        }
        if (kept != null) {
            // Before the slot is back in the pool, so no other handle can have started a read on it yet.
            kept.watchWhileIdle();
        }
        fire(new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED), closing);
    }

    /**
     * The channel closed (peer, backend, our own close, or the SSH session going away). The slot forgets it, so the
     * next hand-out opens a fresh one. A handle still using it is left attached: its pending read or write fails (or
     * sees end of stream), the web tier closes it like any broken exchange, and the pool gets the slot back with an
     * ordinary CONNECTION_CLOSED. The slot itself is not broken, so it is not a connection error: reporting one per
     * open stream would make IronJacamar log a WARN for each of a client's hundred WebSockets when it disconnects.
     */
    private void streamClosed(TunnelStream closed) {
        synchronized (this) {
            if (closed == stream) {
                forgetStream();
            }
        }
    }

    private void fire(ConnectionEvent event, TunnelConnectionImpl connectionHandle) {
        event.setConnectionHandle(connectionHandle);
        for (ConnectionEventListener listener : List.copyOf(listeners)) {
            if (event.getId() == ConnectionEvent.CONNECTION_CLOSED) {
                listener.connectionClosed(event);
            } else {
                listener.connectionErrorOccurred(event);
            }
        }
    }

    private void discardStream() {
        TunnelStream old;
        synchronized (this) {
            old = stream;
            forgetStream();
        }
        if (old != null) {
            old.close();
        }
    }

    /**
     * Drops the tunnel with the stream: an idle slot stays in the pool until its idle timeout, and must not keep a
     * client's ended SSH session (and its buffers) reachable that long; the next allocation looks the tunnel up.
     */
    private void forgetStream() {
        stream = null;
        tunnel = null;
    }

    private static ResourceException wrap(TunnelException e) {
        // The connection factory unwraps this cause to choose the visitor's status.
        return new ResourceException(e.getMessage(), e);
    }

    @Override
    public void cleanup() {
        // The pool takes the slot back. A handle still attached means its exchange never ended properly, so the
        // state of the channel is unknown: detach the handle and drop the channel.
        TunnelConnectionImpl stale;
        synchronized (this) {
            stale = handle;
            handle = null;
        }
        if (stale != null) {
            stale.detach();
            discardStream();
        }
    }

    @Override
    public void destroy() {
        TunnelConnectionImpl stale;
        synchronized (this) {
            destroyed = true;
            stale = handle;
            handle = null;
        }
        if (stale != null) {
            stale.detach();
        }
        discardStream();
        listeners.clear();
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof TunnelConnectionImpl moved)) {
            throw new NotSupportedException("Not a Gangway tunnel connection: " + connection);
        }
        throw new NotSupportedException("Tunnel connections are unshareable and cannot move between managed connections: "
                + moved);
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("Tunnel connections are not transactional");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("Tunnel connections are not transactional");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new TunnelManagedConnectionMetaData(tunnelKey);
    }

    @Override
    public synchronized void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public synchronized PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public String toString() {
        return "TunnelManagedConnection[" + tunnelKey + "]";
    }
}
