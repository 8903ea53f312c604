package dev.gangway.connector.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.WritePendingException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writing half of {@link TlsSocketChannel}, the connection's single writer: one raw write at a time, carrying
 * either a record the engine wants to send on its own (a KeyUpdate answer, a session ticket, a close_notify) or up to
 * four records of the caller's bytes. A caller's write completes, with its plaintext count, only once all of their
 * ciphertext is written, so the caller's own queue (MINA's, and with it the SSH window) is the flow control.
 * The engine is called under a short lock; raw writes and completion handlers run outside it.
 */
final class TlsRecordWriter {

    private static final long CLOSE_NOTIFY_TIMEOUT_MILLIS = 1000;
    /** Records of the caller's bytes wrapped into one raw write: fewer syscalls and completions for bulk data. */
    private static final int RECORDS_PER_WRITE = 4;

    private final AsynchronousSocketChannel raw;
    private final SSLEngine engine;
    private final AtomicBoolean closed;
    private final Runnable abort;
    private final AtomicBoolean pending = new AtomicBoolean();

    private final Object lock = new Object();
    private ByteBuffer netOut;
    private boolean rawWriting;
    private boolean controlWrapWanted;
    private boolean shutdownWanted;
    private boolean closeNotifySent;
    private PendingWrite appWrite;

    private record PendingWrite(ByteBuffer src, long timeout, TimeUnit unit, Object attachment,
                                CompletionHandler<Integer, Object> handler, int[] consumed) {
    }

    /** What one raw write carries. */
    private enum Carrying { CONTROL, APPLICATION, CLOSE_NOTIFY }

    /** @param abort closes the connection after a failure the caller cannot recover from */
    TlsRecordWriter(AsynchronousSocketChannel raw, SSLEngine engine, AtomicBoolean closed, Runnable abort) {
        this.raw = raw;
        this.engine = engine;
        this.closed = closed;
        this.abort = abort;
        this.netOut = ByteBuffer.allocate(RECORDS_PER_WRITE * engine.getSession().getPacketBufferSize());
    }

    @SuppressWarnings("unchecked")
    <A> void write(ByteBuffer src, long timeout, TimeUnit unit, A attachment,
                   CompletionHandler<Integer, ? super A> handler) {
        if (!pending.compareAndSet(false, true)) {
            throw new WritePendingException();
        }
        boolean refused;
        synchronized (lock) {
            refused = closed.get() || shutdownWanted;
            if (!refused && src.hasRemaining()) {
                appWrite = new PendingWrite(src, timeout, unit, attachment,
                        (CompletionHandler<Integer, Object>) handler, new int[1]);
            }
        }
        if (refused) {
            pending.set(false);
            handler.failed(new ClosedChannelException(), attachment);
        } else if (!src.hasRemaining()) {
            pending.set(false);
            handler.completed(0, attachment);
        } else {
            pump();
        }
    }

    /** The engine has a record of its own to send (the reader saw a message that wants an answer). */
    void requestControlWrap() {
        synchronized (lock) {
            controlWrapWanted = true;
        }
        pump();
    }

    /** close_notify after what is queued, then the raw half-close (TLS 1.3 allows it). */
    void shutdownOutput() {
        synchronized (lock) {
            shutdownWanted = true;
        }
        pump();
    }

    /**
     * For close(): sends close_notify if the writer is idle, bounded by a short timeout, then closes the socket;
     * closes it at once otherwise. A write in progress fails.
     */
    void closeWithNotify() {
        boolean notify;
        synchronized (lock) {
            notify = !rawWriting && !closeNotifySent;
            if (notify) {
                closeNotifySent = true;
                rawWriting = true;
                try {
                    engine.closeOutbound();
                    netOut.clear();
                    wrap(TlsBuffers.EMPTY);
                    netOut.flip();
                } catch (SSLException | RuntimeException e) {
                    notify = false;
                }
            }
        }
        if (!notify || !netOut.hasRemaining()) {
            abort.run();
            return;
        }
        try {
            raw.write(netOut, CLOSE_NOTIFY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void ignored) {
                    abort.run();
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    abort.run();
                }
            });
        } catch (RuntimeException e) {
            abort.run();
        }
    }

    /** Starts the next raw write if none is running and something waits: engine records first, then the caller's. */
    void pump() {
        Carrying carrying;
        long timeout = 0;
        TimeUnit unit = TimeUnit.MILLISECONDS;
        PendingWrite failedWrite = null;
        Throwable failure = null;
        synchronized (lock) {
            if (rawWriting || closeNotifySent) {
                return;
            }
            try {
                netOut.clear();
                if (controlWrapWanted || engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    controlWrapWanted = false;
                    wrap(TlsBuffers.EMPTY);
                    carrying = Carrying.CONTROL;
                } else if (appWrite != null) {
                    int before = appWrite.src().remaining();
                    wrap(appWrite.src());
                    int packet = engine.getSession().getPacketBufferSize();
                    while (appWrite.src().hasRemaining() && netOut.remaining() >= packet
                            && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                        wrap(appWrite.src());
                    }
                    appWrite.consumed()[0] = before - appWrite.src().remaining();
                    if (appWrite.consumed()[0] == 0 && netOut.position() == 0) {
                        throw new SSLException("the TLS engine took none of " + before + " bytes and produced nothing");
                    }
                    // A record the engine had to send first (a KeyUpdate answer) consumes none of the caller's bytes.
                    carrying = appWrite.consumed()[0] > 0 ? Carrying.APPLICATION : Carrying.CONTROL;
                    timeout = appWrite.timeout();
                    unit = appWrite.unit();
                } else if (shutdownWanted) {
                    engine.closeOutbound();
                    wrap(TlsBuffers.EMPTY);
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
            abort.run();
            if (failedWrite != null) {
                pending.set(false);
                failedWrite.handler().failed(failure, failedWrite.attachment());
            }
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
                        TlsBuffers.runTasks(engine);
                    }
                    return;
                }
                case BUFFER_OVERFLOW -> netOut = TlsBuffers.grow(netOut, engine.getSession().getPacketBufferSize());
                case CLOSED -> {
                    if (result.bytesProduced() > 0 || src == TlsBuffers.EMPTY) {
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
        synchronized (lock) {
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
                abort.run();
            }
        }
        if (finished != null) {
            pending.set(false);
            finished.handler().completed(finished.consumed()[0], finished.attachment());
        }
        pump();
    }

    private void rawWriteFailed(Throwable e) {
        PendingWrite failedWrite;
        synchronized (lock) {
            rawWriting = false;
            failedWrite = appWrite;
            appWrite = null;
        }
        abort.run();
        if (failedWrite != null) {
            pending.set(false);
            failedWrite.handler().failed(e, failedWrite.attachment());
        }
    }
}
