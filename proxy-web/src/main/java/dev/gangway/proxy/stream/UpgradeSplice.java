package dev.gangway.proxy.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.proxy.log.ProxyLogger;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * An upgraded visitor connection (WebSocket, {@code Upgrade: tcp}) spliced to its tunnel connection after the
 * service's {@code 101}: raw bytes both ways as they come, until both sides are done.
 *
 * <p>Same discipline as {@link ProxyExchange}: one owner thread (the visitor connection's I/O thread; tunnel
 * callbacks hop to it), one operation in flight per direction, so each direction holds one buffer at most and the
 * SSH window and the visitor's TCP window do the rest of the back-pressure. An idle splice holds the one array its
 * pending tunnel read waits with; the visitor's direction borrows a pooled buffer only while it has bytes to move. Each direction flushes as soon as its buffer
 * went out, so a WebSocket frame is never held back waiting for more.
 *
 * <p>Half-close passes through: the visitor's FIN becomes an SSH EOF to the service, and the service's EOF a FIN to
 * the visitor; the splice ends when both directions have ended, or at once on any error or when the visitor's
 * connection closes. An idle timeout closes a splice that moved no byte in either direction for that long (WebSocket
 * pings are bytes, so a pinging client is never idle).
 */
public final class UpgradeSplice {

    /** The size of Undertow's pooled buffers on WildFly, so one read fills one write to the visitor. */
    private static final int DOWN_BUFFER_SIZE = 16 * 1024;

    private final TunnelConnection tunnel;
    private final IoThreadHop hop;
    private final ByteBufferPool pool;
    private final String tunnelKey;
    private final StreamTimer idleTimer;

    private StreamConnection visitor;
    private ConduitStreamSourceChannel visitorSource;
    private ConduitStreamSinkChannel visitorSink;
    /** Visitor to tunnel. */
    private PooledByteBuffer upBuffer;
    /** What the service sent right after its 101 head, in the exchange's buffer: written first, then released. */
    private PooledByteBuffer leftover;
    /**
     * Tunnel to visitor from then on. A heap buffer: the tunnel reads straight into its array, and a splice mostly
     * waits (an idle WebSocket), so what it holds while waiting is one array rather than a pooled direct buffer plus
     * an array to copy through.
     */
    private ByteBuffer down;
    private boolean upWritePending;
    private boolean upDone;
    private boolean downDone;
    private boolean closed;
    /** Inside a read of the visitor's channel, whose end of stream XNIO reports as a close (see onVisitorClosed). */
    private boolean readingVisitor;

    /**
     * @param leftover the buffer the response head was read into, positioned at the bytes that followed the head;
     *                 the splice owns it from now on
     */
    UpgradeSplice(TunnelConnection tunnel, PooledByteBuffer leftover, ByteBufferPool pool, XnioIoThread ioThread,
                  Duration idleTimeout, String tunnelKey) {
        this.tunnel = tunnel;
        this.leftover = leftover;
        this.pool = pool;
        this.hop = new IoThreadHop(ioThread, this::guarded, tunnel::close);
        this.tunnelKey = tunnelKey;
        this.idleTimer = StreamTimer.idle(ioThread, idleTimeout, this::onIdle);
    }

    /** Undertow's upgrade listener, on the I/O thread once the 101 went out: from here the connection is raw. */
    void start(StreamConnection connection) {
        if (closed) {
            IoUtils.safeClose(connection);
            return;
        }
        visitor = connection;
        visitorSource = connection.getSourceChannel();
        visitorSink = connection.getSinkChannel();
        idleTimer.start();
        if (leftover.getBuffer().hasRemaining()) {
            writeDown();
        } else {
            readDown();
        }
        readUp();
    }

    // ---- tunnel to visitor

    private void readDown() {
        if (closed || downDone) {
            return;
        }
        releaseLeftover();
        if (down == null) {
            down = ByteBuffer.allocate(DOWN_BUFFER_SIZE);
        }
        ByteBuffer buffer = down;
        buffer.clear();
        tunnel.read(buffer, hop.callback(n -> {
            if (closed) {
                releaseIdleBuffers();
            } else if (n < 0) {
                endDown();
            } else {
                idleTimer.touch();
                buffer.flip();
                writeDown();
            }
        }, this::onTunnelFailed));
    }

    private void writeDown() {
        ByteBuffer buffer = leftover != null ? leftover.getBuffer() : down;
        try {
            while (buffer.hasRemaining()) {
                if (visitorSink.write(buffer) == 0) {
                    awaitVisitorWritable(this::writeDown);
                    return;
                }
            }
            if (!visitorSink.flush()) {
                awaitVisitorWritable(this::writeDown);
                return;
            }
        } catch (IOException e) {
            onVisitorFailed(e);
            return;
        }
        readDown();
    }

    /** The service sent EOF: the visitor gets a FIN once everything before it is out. */
    private void endDown() {
        try {
            visitorSink.shutdownWrites();
            if (!visitorSink.flush()) {
                awaitVisitorWritable(this::endDown);
                return;
            }
        } catch (IOException e) {
            onVisitorFailed(e);
            return;
        }
        downDone = true;
        endIfBothDone();
    }

    private void awaitVisitorWritable(Runnable then) {
        visitorSink.getWriteSetter().set(channel -> {
            channel.suspendWrites();
            guarded(() -> {
                if (!closed) {
                    idleTimer.touch();
                    then.run();
                }
            });
        });
        visitorSink.resumeWrites();
    }

    // ---- visitor to tunnel

    private void readUp() {
        if (closed || upDone || upWritePending) {
            return;
        }
        if (upBuffer == null) {
            upBuffer = pool.allocate();
        }
        ByteBuffer buffer = upBuffer.getBuffer();
        buffer.clear();
        int n;
        readingVisitor = true;
        try {
            n = visitorSource.read(buffer);
        } catch (IOException e) {
            onVisitorFailed(e);
            return;
        } finally {
            readingVisitor = false;
        }
        if (n == 0) {
            // Nothing to send: the buffer goes back to the pool until there is, so an idle WebSocket holds none.
            upBuffer.close();
            upBuffer = null;
            visitorSource.getReadSetter().set(channel -> guarded(this::readUp));
            visitorSource.resumeReads();
            return;
        }
        visitorSource.suspendReads();
        if (n < 0) {
            // The visitor finished sending: the service sees the end of its input, and may still answer.
            upDone = true;
            tunnel.shutdownOutput();
            endIfBothDone();
            return;
        }
        idleTimer.touch();
        buffer.flip();
        upWritePending = true;
        tunnel.write(buffer, hop.callback(ignored -> {
            upWritePending = false;
            if (closed) {
                releaseIdleBuffers();
            } else {
                idleTimer.touch();
                readUp();
            }
        }, cause -> {
            upWritePending = false;
            onTunnelFailed(cause);
        }));
    }

    // ---- the end

    private void endIfBothDone() {
        if (upDone && downDone) {
            closeBoth();
        }
    }

    private void onTunnelFailed(Throwable cause) {
        if (!closed) {
            ProxyLogger.VISITOR.upgradedStreamBroke(tunnelKey, cause);
            closeBoth();
        } else {
            releaseIdleBuffers();
        }
    }

    private void onVisitorFailed(IOException cause) {
        if (!closed) {
            ProxyLogger.VISITOR.visitorGone(tunnelKey, cause);
            closeBoth();
        }
    }

    private void onIdle() {
        if (!closed) {
            ProxyLogger.VISITOR.idleTimeout(tunnelKey, "upgraded stream");
            closeBoth();
        }
    }

    /**
     * The visitor's connection closed (from the connection's close listener, on the I/O thread). XNIO calls a
     * connection closed once both directions are shut, so after the service's EOF the visitor's own EOF arrives here
     * from inside {@link #readUp}'s read, before that read returns -1: the read goes on to pass the EOF to the service
     * first, then ends the splice. Any other close (the server stopping, a reset) ends it at once.
     */
    void onVisitorClosed() {
        if (!readingVisitor) {
            closeBoth();
        }
    }

    private void closeBoth() {
        if (closed) {
            return;
        }
        closed = true;
        idleTimer.stop();
        tunnel.close();
        if (visitor != null) {
            visitorSource.getReadSetter().set(null);
            visitorSink.getWriteSetter().set(null);
            IoUtils.safeClose(visitor);
        }
        releaseIdleBuffers();
    }

    /** Gives buffers back once no tunnel operation may still use them (closing the tunnel fails what is pending). */
    private void releaseIdleBuffers() {
        if (upBuffer != null && !upWritePending) {
            upBuffer.close();
            upBuffer = null;
        }
        releaseLeftover();
    }

    private void releaseLeftover() {
        if (leftover != null) {
            leftover.close();
            leftover = null;
        }
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            ProxyLogger.ROOT.unexpectedFailure(tunnelKey, e);
            closeBoth();
        }
    }
}
