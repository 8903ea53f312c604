package dev.gangway.connector.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reading half of {@link TlsSocketChannel}: one read at a time, completed with as much plaintext as the caller's
 * buffer takes of what has arrived, unwrapping whole records while there is room. Post-handshake messages (TLS 1.3
 * KeyUpdate) are taken on the way; when the engine wants to answer one, the writer is asked to send it.
 */
final class TlsRecordReader {

    private final AsynchronousSocketChannel raw;
    private final SSLEngine engine;
    private final TlsRecordWriter writer;
    private final AtomicBoolean closed;
    private final AtomicBoolean pending = new AtomicBoolean();

    // Touched only by the one outstanding read.
    private ByteBuffer netIn;  // ciphertext received, read mode
    private ByteBuffer appIn;  // plaintext unwrapped, not yet delivered, read mode
    private boolean inboundDone; // close_notify received: nothing more will come
    private boolean rawEof;      // the socket ended: what netIn still holds is all that will come

    TlsRecordReader(AsynchronousSocketChannel raw, SSLEngine engine, ByteBuffer netIn, ByteBuffer appIn,
                    TlsRecordWriter writer, AtomicBoolean closed) {
        this.raw = raw;
        this.engine = engine;
        this.writer = writer;
        this.closed = closed;
        this.netIn = TlsBuffers.ensureCapacity(netIn, engine.getSession().getPacketBufferSize());
        this.appIn = TlsBuffers.ensureCapacity(appIn, engine.getSession().getApplicationBufferSize());
    }

    <A> void read(ByteBuffer dst, long timeout, TimeUnit unit, A attachment,
                  CompletionHandler<Integer, ? super A> handler) {
        if (!pending.compareAndSet(false, true)) {
            throw new ReadPendingException();
        }
        if (closed.get()) {
            failed(new AsynchronousCloseException(), attachment, handler);
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
            failed(e, attachment, handler);
            return;
        }
        if (delivered > 0 || !dst.hasRemaining()) {
            completed(delivered, attachment, handler);
        } else if (inboundDone || rawEof) {
            completed(-1, attachment, handler);
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
                        TlsRecordReader.this.failed(e, att, handler);
                    }
                });
            } catch (RuntimeException e) {
                netIn.flip();
                failed(e, attachment, handler);
            }
        }
    }

    /** Moves plaintext into {@code dst}, unwrapping whole records while it has room. */
    private int deliver(ByteBuffer dst) throws SSLException {
        int total = 0;
        while (dst.hasRemaining()) {
            total += TlsBuffers.copy(appIn, dst);
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
                    case BUFFER_OVERFLOW -> appIn = TlsBuffers.grow(appIn, engine.getSession().getApplicationBufferSize());
                    case BUFFER_UNDERFLOW -> {
                        if (netIn.limit() == netIn.capacity() && netIn.position() == 0) {
                            netIn = TlsBuffers.ensureCapacity(netIn, Math.max(engine.getSession().getPacketBufferSize(),
                                    2 * netIn.capacity()));
                        }
                        return false;
                    }
                    case CLOSED -> {
                        inboundDone = true; // close_notify: end of stream; the engine answers with its own
                        writer.requestControlWrap();
                        return false;
                    }
                    case OK -> {
                        afterUnwrap(result.getHandshakeStatus());
                        return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
                    }
                    default -> throw new SSLException("unexpected unwrap status " + result.getStatus());
                }
            }
        } finally {
            appIn.flip();
        }
    }

    /** A post-handshake message may ask for tasks, or for a record back (the answer to a KeyUpdate request). */
    private void afterUnwrap(SSLEngineResult.HandshakeStatus status) {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            TlsBuffers.runTasks(engine);
            status = engine.getHandshakeStatus();
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            writer.requestControlWrap();
        }
    }

    private <A> void completed(int n, A attachment, CompletionHandler<Integer, ? super A> handler) {
        pending.set(false);
        handler.completed(n, attachment);
    }

    private <A> void failed(Throwable e, A attachment, CompletionHandler<Integer, ? super A> handler) {
        pending.set(false);
        handler.failed(closed.get() && !(e instanceof AsynchronousCloseException) ? new AsynchronousCloseException() : e,
                attachment);
    }
}
