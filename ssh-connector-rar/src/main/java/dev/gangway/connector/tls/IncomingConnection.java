package dev.gangway.connector.tls;

import dev.gangway.connector.net.Channels;
import dev.gangway.connector.tls.HelloOutcome.Parsed;
import dev.gangway.connector.tls.HelloOutcome.Refused;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * A connection the front door just accepted, until its ClientHello says where it goes. It reads with the time left
 * of the handshake deadline (the channel's own read timeout, so a stalled client holds no thread and no timer task)
 * into a heap buffer of 2 KiB, which holds nearly every real hello, grown up to the bound only for a hello that needs
 * it: a port full of idle bots costs little memory, and none of it direct. Non-TLS bytes, a malformed or oversize
 * hello, or a stall close it, logged at DEBUG.
 */
final class IncomingConnection implements CompletionHandler<Integer, Void> {

    private static final int INITIAL_HELLO_BYTES = 2048;

    private final FrontDoorContext context;
    private final AsynchronousSocketChannel visitor;
    private final long deadline;
    private ByteBuffer hello;

    IncomingConnection(FrontDoorContext context, AsynchronousSocketChannel visitor) {
        this.context = context;
        this.visitor = visitor;
        this.deadline = System.nanoTime() + context.settings().handshakeTimeout().toNanos();
        this.hello = ByteBuffer.allocate(Math.min(INITIAL_HELLO_BYTES, context.reader().maxBytes()));
    }

    void start() {
        readMore();
    }

    private void readMore() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            stalled();
            return;
        }
        try {
            visitor.read(hello, left, TimeUnit.NANOSECONDS, null, this);
        } catch (RuntimeException e) {
            end("read refused: " + e);
        }
    }

    @Override
    public void completed(Integer n, Void ignored) {
        if (n < 0) {
            refused("closed before its ClientHello ended", hello.position() + " bytes received");
            return;
        }
        HelloOutcome outcome = context.reader().read(hello.duplicate().flip());
        if (outcome instanceof Parsed parsed) {
            route(parsed.hello());
        } else if (outcome instanceof Refused refused) {
            refused(refused.reason().toString(), refused.detail());
        } else if (!hello.hasRemaining() && hello.capacity() >= context.reader().maxBytes()) {
            refused(HelloOutcome.Reason.TOO_LARGE.toString(), "no end within " + hello.capacity() + " bytes");
        } else {
            if (!hello.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(hello.capacity() * 4, context.reader().maxBytes()));
                hello = bigger.put(hello.flip());
            }
            readMore();
        }
    }

    @Override
    public void failed(Throwable e, Void ignored) {
        if (e instanceof InterruptedByTimeoutException) {
            stalled();
        } else {
            end(String.valueOf(e));
        }
    }

    private void route(ClientHello parsed) {
        TlsRoute route = context.rule().route(parsed);
        context.events().routed(route);
        if (TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.routed(Channels.remote(visitor), parsed.serverName().orElse("-"),
                    parsed.alpn().toString(), route);
        }
        hello.flip();
        if (route == TlsRoute.HTTPS) {
            new HttpsPassThrough(context, visitor, hello).start();
        } else {
            new SshTlsHandshake(context, visitor, hello, deadline).start();
        }
    }

    private void stalled() {
        context.events().refused();
        if (TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.stalled(Channels.remote(visitor), "ClientHello",
                    context.settings().handshakeTimeout().toMillis());
        }
        close();
    }

    private void refused(String reason, String detail) {
        context.events().refused();
        if (TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.refused(Channels.remote(visitor), reason, detail);
        }
        close();
    }

    private void end(String reason) {
        if (TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.connectionEnded(Channels.remote(visitor), reason);
        }
        close();
    }

    private void close() {
        Channels.closeQuietly(visitor);
    }
}
