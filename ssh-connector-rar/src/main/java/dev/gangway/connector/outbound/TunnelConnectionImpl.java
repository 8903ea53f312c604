package dev.gangway.connector.outbound;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.tunnel.TunnelStream;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The handle the web tier holds: delegates I/O to the channel of the managed connection it is attached to, until it is
 * closed, recycled, or detached by the managed connection (its SSH session died, or the container cleaned it up).
 * After that every read and write fails at once, so a stale handle can never touch a channel that now serves someone
 * else.
 */
public final class TunnelConnectionImpl implements TunnelConnection {

    private final TunnelInfo tunnel;
    private final boolean reused;
    private volatile TunnelManagedConnection managedConnection;
    private volatile TunnelStream stream;

    TunnelConnectionImpl(TunnelManagedConnection managedConnection, TunnelStream stream, TunnelInfo tunnel, boolean reused) {
        this.managedConnection = managedConnection;
        this.stream = stream;
        this.tunnel = tunnel;
        this.reused = reused;
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
        managedConnection = null;
        stream = null;
    }

    private IOException detached() {
        return new IOException("Connection to tunnel " + tunnel.key() + " is closed");
    }

    @Override
    public String toString() {
        return "TunnelConnection[" + tunnel.key() + (stream == null ? ", closed]" : "]");
    }
}
