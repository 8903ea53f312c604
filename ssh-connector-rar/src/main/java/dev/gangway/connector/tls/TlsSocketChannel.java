package dev.gangway.connector.tls;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link AsynchronousSocketChannel} that carries plaintext over a TLS connection whose handshake is done: what
 * MINA SSHD's {@code Nio2Session} reads and writes, so that SSH over TLS runs in-process with no loopback hop.
 *
 * <p>It implements what {@code Nio2Session} (MINA 2.20) calls, checked with javap: {@code read} and {@code write}
 * with a timeout and a completion handler, {@code shutdownInput}, {@code shutdownOutput}, {@code isOpen},
 * {@code close}, {@code getLocalAddress} and {@code getRemoteAddress} (the real client's address); the rest of the
 * API is implemented plainly on top of those (Future forms, scattering and gathering with their first buffer).
 *
 * <p>Reads complete with plaintext, as much as the caller's buffer takes of what has arrived. Writes wrap one TLS
 * record of the caller's bytes and complete, with the plaintext count, only once all of its ciphertext has been
 * written, so MINA's write queue (and with it the SSH window) is the flow control. Records the engine wants to send
 * on its own (a TLS 1.3 KeyUpdate answer or session ticket, a close_notify answer) go out between application
 * records through the same single writer. {@code shutdownOutput} and {@code close} send close_notify, best effort.
 *
 * <p>Completion handlers run on the thread whose raw I/O completed (the front door's pool), or on the caller's thread
 * when buffered plaintext satisfies a read at once; no lock is held while a handler runs.
 */
public final class TlsSocketChannel extends AsynchronousSocketChannel {

    private final AsynchronousSocketChannel raw;
    private final SSLEngine engine;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TlsRecordWriter writer;
    private final TlsRecordReader reader;

    /**
     * @param netIn ciphertext already read past the handshake (read mode); taken over
     * @param appIn plaintext the handshake already unwrapped (read mode); taken over
     */
    public TlsSocketChannel(AsynchronousSocketChannel raw, SSLEngine engine, ByteBuffer netIn, ByteBuffer appIn) {
        super(raw.provider());
        this.raw = raw;
        this.engine = engine;
        this.writer = new TlsRecordWriter(raw, engine, closed, this::abort);
        this.reader = new TlsRecordReader(raw, engine, netIn, appIn, writer, closed);
        writer.pump(); // a session ticket the handshake left to send
    }

    /** The negotiated TLS session, for logs and tests. */
    public SSLEngine engine() {
        return engine;
    }

    @Override
    public <A> void read(ByteBuffer dst, long timeout, TimeUnit unit, A attachment,
                         CompletionHandler<Integer, ? super A> handler) {
        reader.read(dst, timeout, unit, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer src, long timeout, TimeUnit unit, A attachment,
                          CompletionHandler<Integer, ? super A> handler) {
        writer.write(src, timeout, unit, attachment, handler);
    }

    /** Sends close_notify after what is queued, then shuts the raw output (TLS 1.3 allows the half-close). */
    @Override
    public AsynchronousSocketChannel shutdownOutput() throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        writer.shutdownOutput();
        return this;
    }

    @Override
    public AsynchronousSocketChannel shutdownInput() throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        raw.shutdownInput();
        return this;
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && raw.isOpen();
    }

    /**
     * Closed at once for the caller; a close_notify goes out first when the writer is idle, bounded by a short
     * timeout, after which the socket is closed whatever happened.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            writer.closeWithNotify();
        }
    }

    private void abort() {
        closed.set(true);
        try {
            raw.close();
        } catch (IOException ignored) {
            // Already gone: nothing left to release.
        }
    }

    // ---------------------------------------------------------------- the rest of the API, plainly

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        return raw.getRemoteAddress();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return raw.getLocalAddress();
    }

    @Override
    public AsynchronousSocketChannel bind(SocketAddress local) {
        throw new AlreadyConnectedException();
    }

    @Override
    public <T> AsynchronousSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        raw.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return raw.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return raw.supportedOptions();
    }

    @Override
    public <A> void connect(SocketAddress remote, A attachment, CompletionHandler<Void, ? super A> handler) {
        throw new AlreadyConnectedException();
    }

    @Override
    public Future<Void> connect(SocketAddress remote) {
        throw new AlreadyConnectedException();
    }

    @Override
    public Future<Integer> read(ByteBuffer dst) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        read(dst, 0, TimeUnit.MILLISECONDS, result, FutureHandler.instance());
        return result;
    }

    @Override
    public <A> void read(ByteBuffer[] dsts, int offset, int length, long timeout, TimeUnit unit, A attachment,
                         CompletionHandler<Long, ? super A> handler) {
        read(firstWithRoom(dsts, offset, length), timeout, unit, attachment, widening(handler));
    }

    @Override
    public Future<Integer> write(ByteBuffer src) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        write(src, 0, TimeUnit.MILLISECONDS, result, FutureHandler.instance());
        return result;
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, long timeout, TimeUnit unit, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        write(firstWithRoom(srcs, offset, length), timeout, unit, attachment, widening(handler));
    }

    /** The scatter/gather forms move one buffer at a time and report its count as the {@code long} they promise. */
    private static <A> CompletionHandler<Integer, A> widening(CompletionHandler<Long, ? super A> handler) {
        return new CompletionHandler<>() {
            @Override
            public void completed(Integer n, A attachment) {
                handler.completed(n.longValue(), attachment);
            }

            @Override
            public void failed(Throwable e, A attachment) {
                handler.failed(e, attachment);
            }
        };
    }

    private static ByteBuffer firstWithRoom(ByteBuffer[] buffers, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffers[i].hasRemaining()) {
                return buffers[i];
            }
        }
        return TlsBuffers.EMPTY;
    }

    /** Completes the CompletableFuture passed as the attachment. */
    private static final class FutureHandler implements CompletionHandler<Integer, CompletableFuture<Integer>> {
        private static final FutureHandler INSTANCE = new FutureHandler();

        static FutureHandler instance() {
            return INSTANCE;
        }

        @Override
        public void completed(Integer n, CompletableFuture<Integer> future) {
            future.complete(n);
        }

        @Override
        public void failed(Throwable e, CompletableFuture<Integer> future) {
            future.completeExceptionally(e);
        }
    }
}
