package dev.gangway.connector.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;
import java.nio.channels.WritePendingException;
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

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final long CLOSE_NOTIFY_TIMEOUT_MILLIS = 1000;

    private final AsynchronousSocketChannel raw;
    private final SSLEngine engine;

    // Reading side: only touched by the one outstanding read.
    private ByteBuffer netIn;  // ciphertext received, read mode
    private ByteBuffer appIn;  // plaintext unwrapped, not yet delivered, read mode
    private boolean inboundDone; // close_notify received: nothing more will come
    private boolean rawEof;      // the socket ended: what netIn still holds is all that will come
    private final AtomicBoolean readPending = new AtomicBoolean();

    // Writing side: guarded by outLock; raw writes are issued outside it.
    private final Object outLock = new Object();
    private ByteBuffer netOut;
    private boolean rawWriting;
    private boolean controlWrapWanted;
    private boolean shutdownOutputWanted;
    private boolean closeNotifySent;
    private PendingWrite appWrite;
    private final AtomicBoolean writePending = new AtomicBoolean();

    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param netIn ciphertext already read past the handshake (read mode); taken over
     * @param appIn plaintext the handshake already unwrapped (read mode); taken over
     */
    public TlsSocketChannel(AsynchronousSocketChannel raw, SSLEngine engine, ByteBuffer netIn, ByteBuffer appIn) {
        super(raw.provider());
        this.raw = raw;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ensureCapacity(netIn, packet);
        this.appIn = ensureCapacity(appIn, engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(packet);
        pump(); // a session ticket the handshake left to send
    }

    /** The negotiated TLS session, for logs and tests. */
    public SSLEngine engine() {
        return engine;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public <A> void read(ByteBuffer dst, long timeout, TimeUnit unit, A attachment,
                         CompletionHandler<Integer, ? super A> handler) {
        if (!readPending.compareAndSet(false, true)) {
            throw new ReadPendingException();
        }
        if (closed.get()) {
            readFailed(new AsynchronousCloseException(), attachment, handler);
            return;
        }
        produce(dst, timeout, unit, attachment, handler);
    }

    private <A> void produce(ByteBuffer dst, long timeout, TimeUnit unit, A attachment,
                             CompletionHandler<Integer, ? super A> handler) {
        int delivered;
        try {
            delivered = deliver(dst);
        } catch (SSLException e) {
            readFailed(e, attachment, handler);
            return;
        }
        if (delivered > 0 || !dst.hasRemaining()) {
            readCompleted(delivered, attachment, handler);
        } else if (inboundDone || rawEof) {
            readCompleted(-1, attachment, handler);
        } else {
            netIn.compact();
            try {
                raw.read(netIn, timeout, unit, attachment, new CompletionHandler<Integer, A>() {
                    @Override
                    public void completed(Integer n, A att) {
                        netIn.flip();
                        if (n < 0) {
                            // The peer went without close_notify. SSH carries its own integrity and end of
                            // session, so the truncation is an end of stream here, not an attack; whole records
                            // still in netIn are delivered first.
                            rawEof = true;
                        }
                        produce(dst, timeout, unit, att, handler);
                    }

                    @Override
                    public void failed(Throwable e, A att) {
                        netIn.flip();
                        readFailed(e, att, handler);
                    }
                });
            } catch (RuntimeException e) {
                netIn.flip();
                readFailed(e, attachment, handler);
            }
        }
    }

    /** Moves plaintext into {@code dst}, unwrapping whole records while it has room. */
    private int deliver(ByteBuffer dst) throws SSLException {
        int total = 0;
        while (dst.hasRemaining()) {
            total += copy(appIn, dst);
            if (appIn.hasRemaining() || inboundDone || !unwrapOne()) {
                break;
            }
        }
        return total;
    }

    /** Unwraps one record from netIn into the (empty) appIn; false when netIn holds no whole record. */
    private boolean unwrapOne() throws SSLException {
        appIn.clear();
        try {
            while (true) {
                SSLEngineResult result = engine.unwrap(netIn, appIn);
                switch (result.getStatus()) {
                    case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    case BUFFER_UNDERFLOW -> {
                        if (netIn.limit() == netIn.capacity() && netIn.position() == 0) {
                            netIn = ensureCapacity(netIn, Math.max(engine.getSession().getPacketBufferSize(),
                                    2 * netIn.capacity()));
                        }
                        return false;
                    }
                    case CLOSED -> {
                        inboundDone = true; // close_notify: end of stream; the engine answers with its own
                        requestControlWrap();
                        return false;
                    }
                    case OK -> {
                        afterEngineCall(result.getHandshakeStatus());
                        return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
                    }
                    default -> throw new SSLException("unexpected unwrap status " + result.getStatus());
                }
            }
        } finally {
            appIn.flip();
        }
    }

    /** Post-handshake messages (TLS 1.3 KeyUpdate, NewSessionTicket) may ask for tasks or for a record back. */
    private void afterEngineCall(SSLEngineResult.HandshakeStatus status) {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                task.run();
            }
            status = engine.getHandshakeStatus();
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            requestControlWrap();
        }
    }

    private <A> void readCompleted(int n, A attachment, CompletionHandler<Integer, ? super A> handler) {
        readPending.set(false);
        handler.completed(n, attachment);
    }

    private <A> void readFailed(Throwable e, A attachment, CompletionHandler<Integer, ? super A> handler) {
        readPending.set(false);
        handler.failed(closed.get() && !(e instanceof AsynchronousCloseException) ? new AsynchronousCloseException() : e,
                attachment);
    }

    // ---------------------------------------------------------------- writing

    private record PendingWrite(ByteBuffer src, long timeout, TimeUnit unit, Object attachment,
                                CompletionHandler<Integer, Object> handler, int[] consumed) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> void write(ByteBuffer src, long timeout, TimeUnit unit, A attachment,
                          CompletionHandler<Integer, ? super A> handler) {
        if (!writePending.compareAndSet(false, true)) {
            throw new WritePendingException();
        }
        boolean refused;
        synchronized (outLock) {
            refused = closed.get() || shutdownOutputWanted;
            if (!refused && src.hasRemaining()) {
                appWrite = new PendingWrite(src, timeout, unit, attachment,
                        (CompletionHandler<Integer, Object>) handler, new int[1]);
            }
        }
        if (refused) {
            writePending.set(false);
            handler.failed(new ClosedChannelException(), attachment);
        } else if (!src.hasRemaining()) {
            writePending.set(false);
            handler.completed(0, attachment);
        } else {
            pump();
        }
    }

    private void requestControlWrap() {
        synchronized (outLock) {
            controlWrapWanted = true;
        }
        pump();
    }

    /** What one raw write carries. */
    private enum Carrying { CONTROL, APPLICATION, CLOSE_NOTIFY }

    /** Starts the next raw write if none is running and something waits: engine records first, then the caller's. */
    private void pump() {
        Carrying carrying;
        long timeout = 0;
        TimeUnit unit = TimeUnit.MILLISECONDS;
        PendingWrite failedWrite = null;
        Throwable failure = null;
        synchronized (outLock) {
            if (rawWriting || closeNotifySent) {
                return;
            }
            try {
                netOut.clear();
                if (controlWrapWanted || engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    controlWrapWanted = false;
                    wrap(EMPTY);
                    carrying = Carrying.CONTROL;
                } else if (appWrite != null) {
                    int before = appWrite.src().remaining();
                    wrap(appWrite.src());
                    appWrite.consumed()[0] = before - appWrite.src().remaining();
                    if (appWrite.consumed()[0] == 0 && netOut.position() == 0) {
                        throw new SSLException("the TLS engine took none of " + before + " bytes and produced nothing");
                    }
                    // A record the engine had to send first (a KeyUpdate answer) consumes none of the caller's bytes.
                    carrying = appWrite.consumed()[0] > 0 ? Carrying.APPLICATION : Carrying.CONTROL;
                    timeout = appWrite.timeout();
                    unit = appWrite.unit();
                } else if (shutdownOutputWanted) {
                    engine.closeOutbound();
                    wrap(EMPTY);
                    closeNotifySent = true;
                    carrying = Carrying.CLOSE_NOTIFY;
                } else {
                    return;
                }
                netOut.flip();
                if (!netOut.hasRemaining() && carrying == Carrying.CONTROL) {
                    return; // the engine had nothing to say after all
                }
                rawWriting = true;
            } catch (SSLException | RuntimeException e) {
                failedWrite = appWrite;
                appWrite = null;
                failure = e;
                carrying = null;
            }
        }
        if (failure != null) {
            if (failedWrite != null) {
                writePending.set(false);
                failedWrite.handler().failed(failure, failedWrite.attachment());
            }
            closeQuietly();
            return;
        }
        writeRaw(carrying, timeout, unit);
    }

    private void wrap(ByteBuffer src) throws SSLException {
        while (true) {
            SSLEngineResult result = engine.wrap(src, netOut);
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                            task.run();
                        }
                    }
                    return;
                }
                case BUFFER_OVERFLOW -> netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                case CLOSED -> {
                    if (result.bytesProduced() > 0 || src == EMPTY) {
                        return; // the close_notify itself
                    }
                    throw new SSLException("the TLS connection is closed for writing");
                }
                default -> throw new SSLException("unexpected wrap status " + result.getStatus());
            }
        }
    }

    private void writeRaw(Carrying carrying, long timeout, TimeUnit unit) {
        try {
            raw.write(netOut, timeout, unit, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void ignored) {
                    if (netOut.hasRemaining()) {
                        writeRaw(carrying, timeout, unit);
                    } else {
                        rawWriteDone(carrying);
                    }
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    rawWriteFailed(e);
                }
            });
        } catch (RuntimeException e) {
            rawWriteFailed(e);
        }
    }

    private void rawWriteDone(Carrying carrying) {
        PendingWrite finished = null;
        synchronized (outLock) {
            rawWriting = false;
            if (carrying == Carrying.APPLICATION) {
                finished = appWrite;
                appWrite = null;
            }
        }
        if (carrying == Carrying.CLOSE_NOTIFY) {
            try {
                raw.shutdownOutput();
            } catch (IOException e) {
                closeQuietly();
            }
        }
        if (finished != null) {
            writePending.set(false);
            finished.handler().completed(finished.consumed()[0], finished.attachment());
        }
        pump();
    }

    private void rawWriteFailed(Throwable e) {
        PendingWrite failedWrite;
        synchronized (outLock) {
            rawWriting = false;
            failedWrite = appWrite;
            appWrite = null;
        }
        closeQuietly();
        if (failedWrite != null) {
            writePending.set(false);
            failedWrite.handler().failed(e, failedWrite.attachment());
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Sends close_notify after what is queued, then shuts the raw output (TLS 1.3 allows the half-close). */
    @Override
    public AsynchronousSocketChannel shutdownOutput() throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        synchronized (outLock) {
            shutdownOutputWanted = true;
        }
        pump();
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
     * Closes at once for the caller; a close_notify goes out first when the writer is idle, bounded by a short
     * timeout, after which the socket is closed whatever happened.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean notify;
        synchronized (outLock) {
            notify = !rawWriting && !closeNotifySent;
            if (notify) {
                closeNotifySent = true;
                rawWriting = true;
                try {
                    engine.closeOutbound();
                    netOut.clear();
                    wrap(EMPTY);
                    netOut.flip();
                } catch (SSLException | RuntimeException e) {
                    notify = false;
                }
            }
        }
        if (!notify || !netOut.hasRemaining()) {
            raw.close();
            return;
        }
        try {
            raw.write(netOut, CLOSE_NOTIFY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void ignored) {
                    closeQuietly();
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    closeQuietly();
                }
            });
        } catch (RuntimeException e) {
            raw.close();
        }
    }

    private void closeQuietly() {
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
        read(firstWithRoom(dsts, offset, length), timeout, unit, attachment, new CompletionHandler<Integer, A>() {
            @Override
            public void completed(Integer n, A att) {
                handler.completed(n.longValue(), att);
            }

            @Override
            public void failed(Throwable e, A att) {
                handler.failed(e, att);
            }
        });
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
        write(firstWithRoom(srcs, offset, length), timeout, unit, attachment, new CompletionHandler<Integer, A>() {
            @Override
            public void completed(Integer n, A att) {
                handler.completed(n.longValue(), att);
            }

            @Override
            public void failed(Throwable e, A att) {
                handler.failed(e, att);
            }
        });
    }

    private static ByteBuffer firstWithRoom(ByteBuffer[] buffers, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffers[i].hasRemaining()) {
                return buffers[i];
            }
        }
        return EMPTY;
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

    // ---------------------------------------------------------------- buffers

    private static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        if (n > 0) {
            to.put(from.slice(from.position(), n));
            from.position(from.position() + n);
        }
        return n;
    }

    /** A read-mode buffer with at least {@code capacity} room, keeping its bytes. */
    private static ByteBuffer ensureCapacity(ByteBuffer readMode, int capacity) {
        if (readMode.capacity() >= capacity) {
            return readMode;
        }
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(readMode).flip();
        return bigger;
    }

    /**
     * A write-mode buffer with more room, keeping its bytes: the engine asked for more than it announced (it may,
     * when the peer's record size limit changes).
     */
    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
