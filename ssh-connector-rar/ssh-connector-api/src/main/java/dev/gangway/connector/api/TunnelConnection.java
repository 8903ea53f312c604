package dev.gangway.connector.api;

import java.nio.ByteBuffer;

/**
 * One SSH channel to the service behind a tunnel, as a handle on a JCA managed connection.
 *
 * <p>All I/O is asynchronous and at most one read and one write may be outstanding at a time. Callbacks run on an
 * SSH I/O thread: they must not block, and they may start the next read or write. Back-pressure is the caller's
 * part of the contract: a caller that starts the next write only from the previous write's callback, and the next
 * read only when it has room for the bytes, never makes either side buffer more than the SSH window.
 */
public interface TunnelConnection extends AutoCloseable {

    /** The tunnel this connection leads to. */
    TunnelInfo tunnel();

    /**
     * Whether this channel carried an earlier exchange. A reused backend connection may have been closed by the
     * backend while idle; a caller may retry an idempotent request that failed before any response byte arrived.
     */
    boolean isReused();

    /**
     * Reads what the service sent next into {@code dst} (at least one byte), or completes with {@code -1} at end of
     * stream (the client sent EOF or closed the channel).
     */
    void read(ByteBuffer dst, IoCallback<Integer> callback);

    /**
     * Writes all remaining bytes of {@code src}; completes once the channel has taken them. {@code src} must not be
     * touched until then.
     */
    void write(ByteBuffer src, IoCallback<Void> callback);

    /** Sends EOF after the writes already started (half-close): the service sees the end of the request stream. */
    void shutdownOutput();

    /**
     * Ends the exchange and hands the channel back for reuse: the last response ended on a message boundary and
     * the backend did not ask to close. Any other end is {@link #close()}.
     */
    void recycle();

    /** Ends the exchange and closes the channel. Idempotent; pending callbacks fail. */
    @Override
    void close();
}
