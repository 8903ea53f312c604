package dev.gangway.connector.ssh;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.tunnel.TunnelStream;
import org.apache.sshd.common.channel.ChannelAsyncInputStream;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link TunnelStream} over an open {@link ForwardedChannel}.
 *
 * <p>Flow control is MINA's: a read takes bytes out of the channel's buffer and only then gives that much window
 * back to the client; a write completes once MINA has put the last byte into an SSH packet, which it does only as the
 * client's window allows. A caller that starts the next write from the previous write's callback therefore never
 * makes anything buffer more than one write. Heap buffers are handed to MINA as they are (MINA copies into the packet
 * anyway); direct buffers are copied once, because MINA's buffers are byte arrays.
 *
 * <p>Bytes are counted in the tunnel's statistics in the completion listeners that exist anyway: lock-free adds per
 * completed read or write, nothing allocated for them.
 */
final class ChannelTunnelStream implements TunnelStream {

    /** Largest read into a direct buffer, so that a huge direct buffer does not mean a huge temporary array. */
    private static final int MAX_DIRECT_READ = 64 * 1024;
    /** How long a close waits for the client to take a pending EOF and to answer the channel close. */
    private static final long CLOSE_GRACE_SECONDS = 10;

    private final ForwardedChannel channel;
    private final TunnelStatistics statistics;
    private final AtomicBoolean reading = new AtomicBoolean();
    /**
     * Where a read into a direct buffer lands first, and where a write from one is copied to (MINA's buffers are byte
     * arrays), one array each way, reused: one read and one write are outstanding at most, and a fresh array per
     * read or write was most of the proxy's garbage.
     */
    private byte[] readScratch;
    private byte[] writeScratch;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean outputShut = new AtomicBoolean();
    /** The graceful close of the output, done once its EOF went out; null until {@link #shutdownOutput()}. */
    private volatile CloseFuture outputShutdown;

    ChannelTunnelStream(ForwardedChannel channel, TunnelStatistics statistics) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.statistics = Objects.requireNonNull(statistics, "statistics");
    }

    @Override
    public void read(ByteBuffer dst, IoCallback<Integer> callback) {
        Objects.requireNonNull(callback, "callback");
        if (!dst.hasRemaining()) {
            callback.failed(new IllegalArgumentException("read needs a buffer with room for at least one byte"));
            return;
        }
        if (!reading.compareAndSet(false, true)) {
            callback.failed(new IllegalStateException("a read is already outstanding on this tunnel stream"));
            return;
        }
        ChannelAsyncInputStream in = channel.input();
        int directRead = Math.min(dst.remaining(), MAX_DIRECT_READ);
        Buffer target = dst.hasArray()
                ? new SliceBuffer(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining())
                : new SliceBuffer(readScratch = grown(readScratch, directRead), 0, directRead);
        IoReadFuture future;
        try {
            future = in.read(target);
        } catch (RuntimeException e) {
            reading.set(false);
            callback.failed(e);
            return;
        }
        future.addListener(done -> {
            // Cleared before the callback, which may start the next read.
            reading.set(false);
            Throwable failure = done.getException();
            if (failure instanceof EOFException && channel.isEofSignalled()) {
                callback.completed(-1);
            } else if (failure instanceof EOFException) {
                // Closed without the client's EOF (the SSH session died, say): the service did not end its output,
                // so a reader must not take it for a clean end (a close-delimited body would look complete).
                callback.failed(new EOFException("the channel closed before the service ended its output"));
            } else if (failure != null) {
                callback.failed(failure);
            } else {
                int n = done.getRead();
                statistics.receivedFromService(n);
                if (dst.hasArray()) {
                    dst.position(dst.position() + n);
                } else {
                    dst.put(target.array(), target.rpos(), n);
                }
                callback.completed(n);
            }
        });
    }

    private static byte[] grown(byte[] current, int size) {
        return current != null && current.length >= size ? current : new byte[size];
    }

    @Override
    public void write(ByteBuffer src, IoCallback<Void> callback) {
        Objects.requireNonNull(callback, "callback");
        if (!writing.compareAndSet(false, true)) {
            callback.failed(new IllegalStateException("a write is already outstanding on this tunnel stream"));
            return;
        }
        int length = src.remaining();
        if (length == 0) {
            writing.set(false);
            callback.completed(null);
            return;
        }
        Buffer buffer;
        if (src.hasArray()) {
            buffer = new ByteArrayBuffer(src.array(), src.arrayOffset() + src.position(), length, true);
        } else {
            byte[] copy = writeScratch = grown(writeScratch, length);
            src.duplicate().get(copy, 0, length);
            buffer = new ByteArrayBuffer(copy, 0, length, true);
        }
        ChannelAsyncOutputStream out = channel.output();
        IoWriteFuture future;
        try {
            if (outputShut.get()) {
                throw new EOFException("output of this tunnel stream was shut down");
            }
            future = out.writeBuffer(buffer);
        } catch (IOException | RuntimeException e) {
            writing.set(false);
            callback.failed(e);
            return;
        }
        future.addListener(done -> {
            writing.set(false);
            if (done.isWritten()) {
                statistics.sentToService(length);
                src.position(src.position() + length);
                callback.completed(null);
            } else {
                Throwable failure = done.getException();
                callback.failed(failure != null ? failure : new EOFException("tunnel channel closed"));
            }
        });
    }

    @Override
    public void shutdownOutput() {
        if (outputShut.compareAndSet(false, true)) {
            // Graceful close of the output stream: waits for the pending write, then sends EOF (ForwardedChannel).
            outputShutdown = channel.output().close(false);
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen() && !channel.isEofSignalled() && !outputShut.get() && channel.getSession().isOpen();
    }

    @Override
    public void onClose(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        AtomicBoolean fired = new AtomicBoolean();
        // Runs at once if the channel is already closed.
        channel.addCloseFutureListener(f -> {
            if (fired.compareAndSet(false, true)) {
                listener.run();
            }
        });
    }

    /**
     * Closes the channel, telling the client. MINA's immediate close only forgets a channel locally: the client's end,
     * and its connection to the service, would stay open until the SSH session ends. So the close here is MINA's
     * graceful one, which sends {@code SSH_MSG_CHANNEL_CLOSE} and waits for the client's; a write still waiting for
     * window would hold that up, so the output is dropped first, unless the caller shut it down: then the close waits
     * for that EOF to go out, or the SSH close would overtake it and the service would see its input cut off rather
     * than ended. A client that answers neither within a grace period (frozen, say) gets the immediate close.
     */
    @Override
    public void close() {
        CloseFuture eof = outputShutdown;
        if (eof == null) {
            channel.output().close(true);
            closeGracefully();
        } else {
            eof.addListener(done -> closeGracefully());
        }
    }

    private void closeGracefully() {
        CloseFuture closing = channel.close(false);
        if (closing.isClosed()) {
            return;
        }
        try {
            ScheduledFuture<?> fallback = channel.getSession().getFactoryManager().getScheduledExecutorService()
                    .schedule(() -> channel.close(true), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            closing.addListener(done -> fallback.cancel(false));
        } catch (RejectedExecutionException e) {
            channel.close(true); // the server is stopping
        }
    }

    @Override
    public String toString() {
        return "tunnel stream " + channel;
    }

    /**
     * A MINA buffer writing into {@code [offset, offset + length)} of a caller's array and never past it: a plain
     * {@link ByteArrayBuffer} counts its room up to the end of the array, which may lie beyond the ByteBuffer's limit.
     */
    private static final class SliceBuffer extends ByteArrayBuffer {
        private final int end;

        SliceBuffer(byte[] data, int offset, int length) {
            super(data, offset, length, false);
            this.end = offset + length;
        }

        @Override
        public int capacity() {
            return end - wpos();
        }
    }
}
