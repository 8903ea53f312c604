package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.IoCallback;

import java.nio.ByteBuffer;

/**
 * One open SSH channel to a tunnel client ({@code forwarded-streamlocal@openssh.com} or {@code forwarded-tcpip}),
 * read and written asynchronously. The managed connection owns exactly one.
 *
 * <p>Same contract as {@link dev.gangway.connector.api.TunnelConnection}: one read and one write outstanding at
 * most; callbacks on SSH I/O threads; reads release SSH window only as the caller consumes bytes, so a slow
 * reader stops the client at the window.
 */
public interface TunnelStream {

    void read(ByteBuffer dst, IoCallback<Integer> callback);

    void write(ByteBuffer src, IoCallback<Void> callback);

    /** EOF towards the client after pending writes. */
    void shutdownOutput();

    /** Whether the channel (and its SSH session) are still open and not at EOF from either side. */
    boolean isOpen();

    /** Called once when the channel closes for any reason (peer close, session loss, {@link #close()}). */
    void onClose(Runnable listener);

    /** Closes the channel now (no graceful flush). Idempotent. */
    void close();

    /**
     * The stream goes back to the pool between exchanges, with no read outstanding: from now until the next exchange
     * starts (its first {@link #write} or {@link #read}), an end or failure from the other side must close it (so
     * {@link #onClose} listeners run and the pool stops counting and offering it), and so must bytes arriving unasked
     * (a keep-alive connection that speaks while idle cannot be reused). Bytes that come after the next exchange's
     * first write are its answer and wait for its read. An SSH channel needs nothing for this: MINA tells of its close
     * without a read.
     */
    default void watchWhileIdle() {
    }
}
