package dev.gangway.connector.tls;

import dev.gangway.connector.net.Channels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTPS connection, TLS untouched: connects to the https listener, writes the PROXY protocol line with the
 * visitor's real addresses and the ClientHello bytes already read (one write), then splices both ways until both
 * ends are done, with a pooled direct buffer per direction.
 * A backend that cannot be reached disconnects the visitor at once, with one WARN per burst saying what to fix.
 */
final class HttpsPassThrough {

    private static final long HEADER_WRITE_TIMEOUT_SECONDS = 10;

    private final FrontDoorContext context;
    private final AsynchronousSocketChannel visitor;
    private final ByteBuffer hello;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean oneDirectionEnded = new AtomicBoolean();
    private AsynchronousSocketChannel backend;
    private volatile ScheduledFuture<?> lingerTimer;

    /** @param hello the ClientHello bytes in read mode */
    HttpsPassThrough(FrontDoorContext context, AsynchronousSocketChannel visitor, ByteBuffer hello) {
        this.context = context;
        this.visitor = visitor;
        this.hello = hello;
    }

    void start() {
        InetSocketAddress target;
        try {
            target = context.sources().httpsBackend();
            backend = AsynchronousSocketChannel.open(context.group());
            backend.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException | RuntimeException e) {
            backendDown("(unknown)", e);
            return;
        }
        try {
            backend.connect(target, null, new CompletionHandler<Void, Void>() {
                @Override
                public void completed(Void result, Void ignored) {
                    sendProxyHeader();
                }

                @Override
                public void failed(Throwable e, Void ignored) {
                    backendDown(target.toString(), e);
                }
            });
        } catch (RuntimeException e) {
            abandon("the front door is stopping: " + e);
        }
    }

    private void sendProxyHeader() {
        ByteBuffer header;
        try {
            byte[] line = ProxyProtocolHeader.v1((InetSocketAddress) visitor.getRemoteAddress(),
                    (InetSocketAddress) visitor.getLocalAddress());
            header = ByteBuffer.allocate(line.length + hello.remaining()).put(line).put(hello).flip();
        } catch (IOException | RuntimeException e) {
            abandon("visitor gone before the splice: " + e);
            return;
        }
        writeHeader(header);
    }

    private void writeHeader(ByteBuffer header) {
        try {
            writeHeaderOnce(header);
        } catch (RuntimeException e) {
            abandon("the front door is stopping: " + e);
        }
    }

    private void writeHeaderOnce(ByteBuffer header) {
        backend.write(header, HEADER_WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void ignored) {
                if (header.hasRemaining()) {
                    writeHeader(header);
                } else {
                    new SplicePump(visitor, backend, context.buffers().acquire(), HttpsPassThrough.this).start();
                    new SplicePump(backend, visitor, context.buffers().acquire(), HttpsPassThrough.this).start();
                }
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                abandon("https listener refused the PROXY line: " + e);
            }
        });
    }

    private void backendDown(String address, Throwable e) {
        context.backendWarnings().warn(suppressed -> TlsLogger.LOG.httpsBackendDown(address, String.valueOf(e),
                context.settings().httpsSocketBinding(), suppressed));
        abandon(null);
    }

    private void abandon(String reason) {
        if (reason != null && TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.connectionEnded(Channels.remote(visitor), reason);
        }
        closeBoth();
    }

    /**
     * One direction reached its end of stream and passed it on; when both have, the connection is done. When the
     * https listener ended first it has closed for good (it never half-closes) and reads nothing more: a visitor
     * that keeps its side open past the linger would only hold the connection, so it is closed then.
     */
    void directionEnded(boolean fromBackend) {
        if (!oneDirectionEnded.compareAndSet(false, true)) {
            closeBoth();
        } else if (fromBackend) {
            try {
                lingerTimer = context.timer().schedule(this::closeBoth, context.halfCloseLinger().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                closeBoth(); // the front door is stopping
            }
        }
    }

    AsynchronousSocketChannel visitor() {
        return visitor;
    }

    /** An error either way ends both: closing fails the other direction's pending operation. */
    void closeBoth() {
        if (closed.compareAndSet(false, true)) {
            ScheduledFuture<?> linger = lingerTimer;
            if (linger != null) {
                linger.cancel(false);
            }
            Channels.closeQuietly(visitor);
            if (backend != null) {
                Channels.closeQuietly(backend);
            }
        }
    }

    void release(ByteBuffer buffer) {
        context.buffers().release(buffer);
    }
}
