package dev.gangway.connector.peer;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.net.Channels;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.net.DirectBufferPool;
import dev.gangway.connector.tunnel.TunnelStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The holder's end of an OPEN: the other node's socket spliced to a new SSH channel of the tunnel, both ways.
 *
 * <p>Each direction has one pooled buffer and one operation outstanding at a time, the next read starting only once
 * the write of what was read completed: a slow reader at either end stops the other end at its window (TCP's, or the
 * SSH channel's), with one buffer held per direction. An end of stream is passed on as a half-close; both ends
 * closed once both directions ended. A failure on either side aborts: the SSH channel and the socket are closed.
 *
 * <p>Towards the other node the service's bytes travel in chunks ({@link PeerFraming}): a 4-byte length before the
 * bytes of each read, and a zero length for the end of the service's output. A socket that ends without that marker
 * is a stream that broke (the SSH channel died, this node stopped or crashed), and the other node reports it as a
 * failure, never as a clean end: a close-delimited response must not look complete. (NIO2 sockets cannot reset a
 * connection, SO_LINGER 0 being unsupported, so the end needs its own marker.) The other direction stays raw: the
 * visitor's side of a request carries its own HTTP framing. Counted as one visitor stream of the tunnel here
 * (the visiting node counts it too, in its own statistics).
 */
final class PeerSplice {

    private final AsynchronousSocketChannel socket;
    private final TunnelStream stream;
    private final TunnelStatistics statistics;
    private final DirectBufferPool buffers;
    private final ByteBuffer early;
    private final AtomicInteger directionsLeft = new AtomicInteger(2);
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Set before checking the other: whichever of the two events comes second ends the splice. */
    private volatile boolean channelClosed;
    private volatile boolean serviceOutputDone;

    /** @param early bytes the other node sent right after its handshake, before this splice started */
    PeerSplice(AsynchronousSocketChannel socket, TunnelStream stream, TunnelStatistics statistics,
               DirectBufferPool buffers, ByteBuffer early) {
        this.socket = socket;
        this.stream = stream;
        this.statistics = statistics;
        this.buffers = buffers;
        this.early = early;
    }

    void start() {
        statistics.streamStarted();
        stream.onClose(this::channelClosed);
        ByteBuffer toService = buffers.acquire();
        toService.put(early);
        new SocketToChannel(toService).start();
        new ChannelToSocket(buffers.acquire()).read();
    }

    /**
     * The SSH channel closed. The service's last bytes may still be on their way to the socket: the splice ends once
     * they are written (the read that follows them reports the end), not before.
     */
    private void channelClosed() {
        channelClosed = true;
        if (serviceOutputDone) {
            end(false, "the SSH channel closed");
        }
    }

    /** The service's output reached the socket in full, EOF included. */
    private void serviceOutputEnded() {
        serviceOutputDone = true;
        if (channelClosed) {
            end(false, "the SSH channel closed after its output ended");
        } else {
            directionEnded();
        }
    }

    /** One direction finished cleanly; the splice ends when both have. */
    private void directionEnded() {
        if (directionsLeft.decrementAndGet() == 0) {
            end(false, "both directions ended");
        }
    }

    private void end(boolean abort, String why) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        statistics.streamEnded();
        PeerLogger.STREAM.streamEnded(Channels.remote(socket) + " <-> " + stream, why);
        if (abort) {
            Channels.abort(socket);
        } else {
            Channels.closeQuietly(socket);
        }
        stream.close();
    }

    /** Socket to SSH channel: the visitor's bytes towards the service. */
    private final class SocketToChannel implements CompletionHandler<Integer, Void>, IoCallback<Void> {
        private final ByteBuffer buffer;

        SocketToChannel(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        void start() {
            buffer.flip();
            if (buffer.hasRemaining()) {
                stream.write(buffer, this);
            } else {
                read();
            }
        }

        private void read() {
            buffer.clear();
            try {
                socket.read(buffer, null, this);
            } catch (RuntimeException e) {
                stop(e.toString());
            }
        }

        @Override
        public void completed(Integer n, Void ignored) {
            if (n < 0) {
                buffers.release(buffer);
                stream.shutdownOutput();
                directionEnded();
                return;
            }
            buffer.flip();
            stream.write(buffer, this);
        }

        @Override
        public void completed(Void written) {
            read();
        }

        @Override
        public void failed(Throwable e, Void ignored) {
            stop("reading the other node's socket: " + e);
        }

        @Override
        public void failed(Throwable e) {
            stop("writing to the SSH channel: " + e);
        }

        private void stop(String why) {
            buffers.release(buffer);
            end(true, why);
        }
    }

    /** SSH channel to socket: the service's bytes towards the visitor. */
    private final class ChannelToSocket implements CompletionHandler<Integer, Void>, IoCallback<Integer> {
        private final ByteBuffer buffer;

        ChannelToSocket(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        private boolean ending;

        void read() {
            buffer.clear().position(PeerFraming.HEADER_BYTES);
            stream.read(buffer, this);
        }

        @Override
        public void completed(Integer n) {
            if (n == 0) {
                read(); // a zero length would read as the end marker
                return;
            }
            if (n < 0) {
                ending = true;
                buffer.clear();
                PeerFraming.header(buffer, 0);
                buffer.flip();
            } else {
                PeerFraming.header(buffer, n);
                buffer.flip();
            }
            write();
        }

        /** The end marker is out: the service's output ended, cleanly. */
        private void ended() {
            buffers.release(buffer);
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                end(true, "half-closing the socket: " + e);
                return;
            }
            serviceOutputEnded();
        }

        private void write() {
            try {
                socket.write(buffer, null, this);
            } catch (RuntimeException e) {
                stop(e.toString());
            }
        }

        @Override
        public void completed(Integer written, Void ignored) {
            if (buffer.hasRemaining()) {
                write();
            } else if (ending) {
                ended();
            } else {
                read();
            }
        }

        @Override
        public void failed(Throwable e) {
            stop("reading the SSH channel: " + e);
        }

        @Override
        public void failed(Throwable e, Void ignored) {
            stop("writing to the other node's socket: " + e);
        }

        private void stop(String why) {
            buffers.release(buffer);
            end(true, why);
        }
    }
}
