package dev.gangway.connector.outbound;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.tunnel.TunnelStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The handle the web tier holds: delegates I/O to the channel of the managed connection it is attached to, until it is
 * closed, recycled, or detached by the managed connection (its SSH session died, or the container cleaned it up).
 * After that every read and write fails at once, so a stale handle can never touch a channel that now serves someone
 * else.
 *
 * <p>A handle is one visitor stream in the tunnel's statistics, from its creation to its detachment: whichever way
 * the exchange ends, the managed connection detaches the handle exactly then, so the count of active streams comes
 * back down by the same path that frees the pooled connection.
 */
public final class TunnelConnectionImpl implements TunnelConnection {

    private static final AtomicReferenceFieldUpdater<TunnelConnectionImpl, TunnelManagedConnection> MANAGED_CONNECTION =
            AtomicReferenceFieldUpdater.newUpdater(TunnelConnectionImpl.class, TunnelManagedConnection.class,
                    "managedConnection");

    private final TunnelInfo tunnel;
    private final boolean reused;
    private final TunnelStatistics statistics;
    private volatile TunnelManagedConnection managedConnection;
    private volatile TunnelStream stream;

    TunnelConnectionImpl(TunnelManagedConnection managedConnection, TunnelStream stream, TunnelInfo tunnel,
                         TunnelStatistics statistics, boolean reused) {
        this.managedConnection = managedConnection;
        this.stream = stream;
        this.tunnel = tunnel;
        this.statistics = statistics;
        this.reused = reused;
        statistics.streamStarted();
    }

    @Override
    public TunnelInfo tunnel() {
        return tunnel;
    }

    @Override
    public boolean isReused() {
        return reused;
    }

    @Override
    public void read(ByteBuffer dst, IoCallback<Integer> callback) {
        TunnelStream s = stream;
        if (s == null) {
            callback.failed(detached());
            return;
        }
        s.read(dst, callback);
    }

    @Override
    public void write(ByteBuffer src, IoCallback<Void> callback) {
        TunnelStream s = stream;
        if (s == null) {
            callback.failed(detached());
            return;
        }
        s.write(src, callback);
    }

    @Override
    public void shutdownOutput() {
        TunnelStream s = stream;
        if (s != null) {
            s.shutdownOutput();
        }
    }

    @Override
    public void recycle() {
        TunnelManagedConnection mc = managedConnection;
        if (mc != null) {
            mc.handleClosed(this, true);
        }
    }

    @Override
    public void close() {
        TunnelManagedConnection mc = managedConnection;
        if (mc != null) {
            mc.handleClosed(this, false);
        }
    }

    /** Called by the managed connection when this handle no longer owns the channel. */
    void detach() {
        stream = null;
        if (MANAGED_CONNECTION.getAndSet(this, null) != null) {
            statistics.streamEnded();
        }
    }

    private IOException detached() {
        return new IOException("Connection to tunnel " + tunnel.key() + " is closed");
    }

    @Override
    public String toString() {
        return "TunnelConnection[" + tunnel.key() + (stream == null ? ", closed]" : "]");
    }
}
