package dev.gangway.connector.peer;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.net.Channels;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.tunnel.TunnelStream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link TunnelStream} to a tunnel another node holds: the socket to that node's peer port after an OPEN, which that
 * node splices to an SSH channel of the tunnel. Same contract as a local channel: one read and one write outstanding
 * at most, callbacks on I/O threads (the peer port's), a write completes once all of it is in the socket, so a
 * caller that writes from the previous write's callback never makes anything buffer more than one write; a slow
 * reader leaves bytes in the kernel and TCP stops the other node, which stops reading the SSH channel, which stops
 * the client at its window.
 *
 * <p>The holder's bytes come in chunks ({@link PeerFraming}), decoded through one bounded buffer: the end of the
 * service's output is the zero-length chunk ({@code read} completes -1); a socket that ends without it is a stream
 * that broke at the holder ({@code read} fails), so a broken stream never looks complete.
 *
 * <p>Between exchanges a pooled stream {@linkplain #watchWhileIdle() watches} its socket with a read of its own, so
 * that the holder ending it (its service closed the keep-alive connection, its node stopped or died) closes it here
 * at once instead of when the pool's idle remover gets to it. A caller's read that comes while the watch is
 * outstanding waits for it ({@link #waiting}), then goes on with whatever it brought. Once the next exchange has
 * written to the stream ({@link #claimed}), bytes the watch brings are that exchange's answer, which may well come
 * before the caller gets round to reading: they are kept for its read.
 */
final class RemoteTunnelStream implements TunnelStream {

    /**
     * Chunks are handed out in pieces as they arrive, so this need not hold a whole one: it bounds what one remote
     * stream keeps between the socket and its reader (a pool may hold a thousand such streams per tunnel).
     */
    private static final int IN_BUFFER_BYTES = 16 * 1024;

    /**
     * A caller offering at least this much room while a chunk goes on is read into directly ({@link #readIntoCaller});
     * smaller reads go through {@link #in}, which also collects the chunk headers.
     */
    private static final int DIRECT_READ_MIN_BYTES = 8 * 1024;

    private final AsynchronousSocketChannel channel;
    /** What was read from the socket and not handed out yet, in read mode; framed as {@link PeerFraming} says. */
    private final ByteBuffer in = ByteBuffer.allocate(IN_BUFFER_BYTES);
    /** Bytes of the current chunk not handed out yet; 0 when a header comes next. */
    private int chunkLeft;
    private final TunnelStatistics statistics;
    private final String description;
    /** Set while a read is outstanding, the caller's or the idle watch's: at most one is, as the contract says. */
    private final AtomicBoolean reading = new AtomicBoolean();
    /** Guards {@link #watching} and {@link #waiting}: a caller's read and the watch's completion meet there. */
    private final Object watch = new Object();
    private boolean watching;
    /** The caller's read that came while the idle watch was outstanding; null when none. */
    private PendingRead waiting;
    /** Set by the first write after {@link #watchWhileIdle}: from then on the stream is in use again. */
    private volatile boolean claimed;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean halfClosed = new AtomicBoolean();
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    private volatile boolean endOfInput;
    private volatile boolean outputShut;
    /** Set when shutdownOutput came while a write was outstanding: the EOF follows that write. */
    private volatile boolean shutdownAfterWrite;

    /** @param early bytes of the stream read together with the handshake's last line */
    RemoteTunnelStream(AsynchronousSocketChannel channel, ByteBuffer early, TunnelStatistics statistics,
                       String description) {
        this.channel = channel;
        in.put(early).flip();
        this.statistics = statistics;
        this.description = description;
    }

    @Override
    public void read(ByteBuffer dst, IoCallback<Integer> callback) {
        Objects.requireNonNull(callback, "callback");
        if (!dst.hasRemaining()) {
            callback.failed(new IllegalArgumentException("read needs a buffer with room for at least one byte"));
            return;
        }
        if (!reading.compareAndSet(false, true)) {
            synchronized (watch) {
                if (watching && waiting == null) {
                    waiting = new PendingRead(dst, callback);
                    return;
                }
                // The watch may have ended between the two checks, releasing the read flag under this lock.
                if (!reading.compareAndSet(false, true)) {
                    callback.failed(new IllegalStateException("a read is already outstanding on this tunnel stream"));
                    return;
                }
            }
        }
        decode(dst, callback);
    }

    @Override
    public void watchWhileIdle() {
        if (!reading.compareAndSet(false, true)) {
            return; // a read is outstanding: it sees the end itself
        }
        if (chunkLeft > 0 || in.hasRemaining() || endOfInput) {
            // The exchange left bytes unread, or the service already ended its output: nothing to reuse.
            reading.set(false);
            close();
            return;
        }
        synchronized (watch) {
            watching = true;
            claimed = false;
        }
        in.clear();
        try {
            channel.read(in, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void ignored) {
                    in.flip();
                    watchEnded(n < 0 ? new EOFException("the node holding the tunnel ended the stream") : null);
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    in.flip();
                    watchEnded(e);
                }
            });
        } catch (RuntimeException e) {
            in.flip();
            watchEnded(e);
        }
    }

    /**
     * The idle watch's read came back: with the end of the socket or a failure ({@code failure}), or with bytes. A
     * caller's read that came meanwhile goes on with them (or fails as it would have). With no caller waiting, bytes
     * after a write are kept for the caller's read; otherwise the stream is closed, since an idle stream that ends or
     * speaks unasked cannot carry another exchange.
     */
    private void watchEnded(Throwable failure) {
        PendingRead caller;
        boolean keep;
        synchronized (watch) {
            watching = false;
            caller = waiting;
            waiting = null;
            keep = caller == null && failure == null && claimed;
            if (caller == null) {
                reading.set(false);
            }
        }
        if (caller == null) {
            if (!keep) {
                close();
            }
        } else if (failure != null) {
            fail(caller.callback(), failure instanceof EOFException
                    ? new EOFException("the stream broke at the node holding the tunnel before the service ended its "
                    + "output") : failure);
        } else {
            decode(caller.dst(), caller.callback());
        }
    }

    /** Hands out what the buffer holds of the current chunk, reading the socket only when it holds nothing usable. */
    private void decode(ByteBuffer dst, IoCallback<Integer> callback) {
        if (endOfInput) {
            done(callback, -1);
            return;
        }
        if (chunkLeft == 0 && in.remaining() >= PeerFraming.HEADER_BYTES) {
            chunkLeft = in.getInt();
            if (chunkLeft == 0) {
                endOfInput = true;
                done(callback, -1);
                return;
            }
            if (chunkLeft < 0) {
                fail(callback, new IOException("the node holding the tunnel sent a bad chunk length"));
                return;
            }
        }
        if (chunkLeft > 0 && in.hasRemaining()) {
            int n = Math.min(chunkLeft, Math.min(in.remaining(), dst.remaining()));
            dst.put(in.slice(in.position(), n));
            in.position(in.position() + n);
            chunkLeft -= n;
            statistics.receivedFromService(n);
            done(callback, n);
            return;
        }
        if (chunkLeft > 0 && dst.remaining() >= DIRECT_READ_MIN_BYTES) {
            readIntoCaller(dst, callback);
            return;
        }
        in.compact();
        try {
            channel.read(in, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void ignored) {
                    in.flip();
                    if (n < 0) {
                        fail(callback, new EOFException("the stream broke at the node holding the tunnel before the "
                                + "service ended its output"));
                    } else {
                        decode(dst, callback);
                    }
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    in.flip();
                    fail(callback, e);
                }
            });
        } catch (RuntimeException e) {
            in.flip();
            fail(callback, e);
        }
    }

    /**
     * The buffer is empty and the current chunk goes on: its bytes go from the socket straight into the caller's
     * buffer, never past the chunk's end. A large response then costs one copy less and a quarter of the reads (a
     * caller reading big bodies offers 64 KiB), which is most of what a visit through this node adds per byte.
     */
    private void readIntoCaller(ByteBuffer dst, IoCallback<Integer> callback) {
        ByteBuffer view = dst.slice(dst.position(), Math.min(chunkLeft, dst.remaining()));
        try {
            channel.read(view, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void ignored) {
                    if (n < 0) {
                        fail(callback, new EOFException("the stream broke at the node holding the tunnel before the "
                                + "service ended its output"));
                        return;
                    }
                    dst.position(dst.position() + n);
                    chunkLeft -= n;
                    statistics.receivedFromService(n);
                    done(callback, n);
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    fail(callback, e);
                }
            });
        } catch (RuntimeException e) {
            fail(callback, e);
        }
    }

    private void done(IoCallback<Integer> callback, int n) {
        // Cleared before the callback, which may start the next read.
        reading.set(false);
        callback.completed(n);
    }

    private void fail(IoCallback<Integer> callback, Throwable e) {
        reading.set(false);
        callback.failed(e);
    }

    @Override
    public void write(ByteBuffer src, IoCallback<Void> callback) {
        Objects.requireNonNull(callback, "callback");
        if (!writing.compareAndSet(false, true)) {
            callback.failed(new IllegalStateException("a write is already outstanding on this tunnel stream"));
            return;
        }
        // Before the bytes go: their answer may come back on the idle watch's read, and must then be kept.
        claimed = true;
        if (outputShut) {
            writing.set(false);
            callback.failed(new IOException("output of this tunnel stream was shut down"));
            return;
        }
        int length = src.remaining();
        CompletionHandler<Integer, Void> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void ignored) {
                if (src.hasRemaining()) {
                    channel.write(src, null, this);
                    return;
                }
                statistics.sentToService(length);
                writing.set(false);
                if (shutdownAfterWrite) {
                    halfClose();
                }
                callback.completed(null);
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                writing.set(false);
                callback.failed(e);
            }
        };
        if (length == 0) {
            handler.completed(0, null);
            return;
        }
        try {
            channel.write(src, null, handler);
        } catch (RuntimeException e) {
            writing.set(false);
            callback.failed(e);
        }
    }

    @Override
    public void shutdownOutput() {
        if (outputShut) {
            return;
        }
        outputShut = true;
        if (writing.get()) {
            shutdownAfterWrite = true;
            // The write may have completed between the check and the flag: then it did not see the flag.
            if (!writing.get()) {
                halfClose();
            }
        } else {
            halfClose();
        }
    }

    private void halfClose() {
        if (halfClosed.compareAndSet(false, true)) {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                close();
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen() && !endOfInput && !outputShut;
    }

    @Override
    public void onClose(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        closeListeners.add(listener);
        if (closed.get() && closeListeners.remove(listener)) {
            listener.run();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Channels.closeQuietly(channel);
        statistics.channelClosed();
        for (Runnable listener : closeListeners) {
            if (closeListeners.remove(listener)) {
                listener.run();
            }
        }
    }

    @Override
    public String toString() {
        return "remote tunnel stream " + description;
    }

    private record PendingRead(ByteBuffer dst, IoCallback<Integer> callback) {
    }
}
