package dev.gangway.proxy.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.proxy.http.ChunkedDecoder;
import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.HopByHop;
import dev.gangway.proxy.http.MalformedResponseException;
import dev.gangway.proxy.http.RequestBodyFraming;
import dev.gangway.proxy.http.ResponseFraming;
import dev.gangway.proxy.http.ResponseHead;
import dev.gangway.proxy.http.ResponseHeadParser;
import dev.gangway.proxy.http.VisitorError;
import dev.gangway.proxy.inject.BodyTransformer;
import dev.gangway.proxy.inject.ResponseRewrite;
import dev.gangway.proxy.log.ProxyLogger;
import dev.gangway.proxy.web.ErrorPage;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One visitor exchange carried over one tunnel connection: the request head and body go to the service, the
 * response comes back parsed, and the exchange ends by recycling or closing the tunnel connection.
 *
 * <p>Threading: the exchange has one owner, the visitor connection's I/O thread. Only the blocking
 * {@link TunnelConnectionFactory#getConnection} runs on a worker. Tunnel callbacks arrive on SSH threads and only
 * hop back to the I/O thread, so no XNIO channel and no field here is ever touched by two threads, and no thread
 * waits for bytes.
 *
 * <p>Back-pressure: the next visitor read starts only from the previous tunnel write's callback, and the next
 * tunnel read only once the visitor's channel took the last bytes. Two pooled buffers are in use at most, one
 * per direction, and each is released once no operation refers to it any more. Whatever the visitor's channel
 * buffered is flushed whenever the tunnel has nothing more at hand, so a streamed response (server-sent events, a
 * chunked stream) reaches the visitor as the service writes it.
 *
 * <p>Timeouts ({@link StreamTimeouts}): an idle timer that every transfer pushes back, and a deadline for the whole
 * exchange; either ends the exchange with 504 before the response head, or by closing the visitor's connection after.
 *
 * <p>Upgrades: a request that asked for one ({@link ForwardedRequest#upgrade()}) and got the service's 101 ends here
 * as an HTTP exchange, and the same tunnel connection goes on as an {@link UpgradeSplice} once Undertow has sent the
 * 101 to the visitor. Any other answer to it is relayed as an ordinary response.
 */
public final class ProxyExchange {

    /** The bulk read buffer: two SSH packets' worth. */
    private static final int BULK_READ_SIZE = 64 * 1024;
    /** Room in front of the body bytes for a chunk-size line of a buffer-sized chunk. */
    private static final int CHUNK_HEAD_ROOM = 10;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServerExchange exchange;
    private final XnioIoThread ioThread;
    private final TunnelConnectionFactory factory;
    private final ForwardedRequest request;
    private final String tunnelKey;
    private final RequestBodyFraming requestFraming;
    private final StreamTimeouts timeouts;
    private final IoThreadHop hop;
    private final StreamTimer idleTimer;
    private final StreamTimer deadline;

    private final Runnable visitorClosed = this::onVisitorClosed;

    private TunnelConnection tunnel;
    private boolean retried;
    private boolean finished;

    // Request direction.
    private StreamSourceChannel requestChannel;
    private PooledByteBuffer requestBuffer;
    private boolean writePending;
    private boolean requestSent;
    private long visitorBodyBytes;

    // Response direction.
    private PooledByteBuffer responseBuffer;
    /**
     * Once a read of a response body filled the pooled buffer, the rest of that body is read into this bigger heap
     * buffer: a quarter of the read/hop/write cycles for a large download, and the tunnel reads straight into its array
     * instead of through a copy. Small responses never get one, so they make no garbage.
     */
    private ByteBuffer bulkBuffer;
    private boolean readPending;
    private boolean anyResponseByte;
    private ResponseHeadParser headParser;
    private ResponseHead head;
    private ResponseFraming framing;
    private ChunkedDecoder chunked;
    private long fixedLeft;
    private ByteBuffer tunnelInput;
    private ByteBuffer visitorOutput;
    private StreamSinkChannel responseChannel;
    private boolean responseDone;
    /** The service answered the upgrade with 101; the splice starts once the request is fully sent. */
    private boolean upgradeAccepted;
    /** The service's close ended a body delimited by the close. */
    private boolean closeDelimitedEnded;
    /** Rewrites the body to carry the tunnel's inject= scripts; null when the response passes as it is. */
    private BodyTransformer rewriter;
    /** The rewriter was told the service's body ended. */
    private boolean rewriterFed;

    public ProxyExchange(HttpServerExchange exchange, TunnelConnectionFactory factory, ForwardedRequest request,
                         StreamTimeouts timeouts) {
        this.exchange = exchange;
        this.ioThread = exchange.getIoThread();
        this.factory = factory;
        this.request = request;
        this.tunnelKey = request.tunnelKey();
        this.requestFraming = request.framing();
        this.timeouts = timeouts;
        this.hop = new IoThreadHop(ioThread, this::guarded, this::closeTunnelOnly);
        this.idleTimer = StreamTimer.idle(ioThread, timeouts.idle(), () -> onTimeout(VisitorError.idleTimeout()));
        this.deadline = StreamTimer.deadline(ioThread, timeouts.maxRequestTime(),
                () -> onTimeout(VisitorError.requestTimeout()));
    }

    /** Starts the exchange from the handler, on the visitor's I/O thread; the rest happens asynchronously. */
    public void start() {
        idleTimer.start();
        deadline.start();
        // getConnection may wait for the pool and for the client to accept a channel: never on an I/O thread.
        exchange.dispatch(exchange.getConnection().getWorker(), this::connect);
    }

    // ---- connecting (worker thread)

    private void connect() {
        TunnelConnection connection;
        try {
            connection = factory.getConnection(tunnelKey);
        } catch (TunnelException e) {
            VisitorError error = VisitorError.of(e);
            ProxyLogger.VISITOR.noConnection(tunnelKey, e.reason().name(), e.getMessage(), error.status());
            hop.run(() -> fail(error));
            return;
        } catch (RuntimeException e) {
            ProxyLogger.ROOT.unexpectedFailure(tunnelKey, e);
            hop.run(() -> fail(VisitorError.internal()));
            return;
        }
        hop.run(() -> begin(connection));
    }

    // ---- the exchange (I/O thread from here on)

    private void begin(TunnelConnection connection) {
        tunnel = connection;
        if (finished || !exchange.getConnection().isOpen()) {
            // The visitor left while the connection was being allocated.
            finished = true;
            connection.close();
            return;
        }
        VisitorConnectionWatch.watch(exchange.getConnection(), ioThread, visitorClosed);
        headParser = new ResponseHeadParser(ResponseHeadParser.DEFAULT_MAX_HEAD_BYTES);
        anyResponseByte = false;
        writePending = false;
        if (responseBuffer == null) {
            responseBuffer = exchange.getConnection().getByteBufferPool().allocate();
        }
        writeToTunnel(ByteBuffer.wrap(request.head()), this::afterHeadWritten);
        readFromTunnel();
    }

    private void afterHeadWritten() {
        if (requestFraming == RequestBodyFraming.NONE || request.length() == 0) {
            requestSent = true;
            return;
        }
        if (requestChannel == null) {
            requestChannel = exchange.getRequestChannel();
            requestBuffer = exchange.getConnection().getByteBufferPool().allocate();
        }
        pumpRequest();
    }

    /** Moves one read's worth of the visitor's body to the tunnel; called again from the write's callback. */
    private void pumpRequest() {
        if (finished || responseDone || writePending) {
            return;
        }
        ByteBuffer buffer = requestBuffer.getBuffer();
        buffer.clear();
        boolean chunkedBody = requestFraming == RequestBodyFraming.CHUNKED;
        if (chunkedBody) {
            buffer.position(CHUNK_HEAD_ROOM).limit(buffer.capacity() - CRLF.length);
        }
        int n;
        try {
            n = requestChannel.read(buffer);
        } catch (IOException e) {
            onVisitorFailed(e);
            return;
        }
        if (n == 0) {
            requestChannel.getReadSetter().set(channel -> guarded(this::pumpRequest));
            requestChannel.resumeReads();
            return;
        }
        requestChannel.suspendReads();
        if (n < 0) {
            if (chunkedBody) {
                writeToTunnel(ByteBuffer.wrap(LAST_CHUNK), this::afterBodySent);
            } else {
                afterBodySent();
                maybeFinish();
            }
            return;
        }
        visitorBodyBytes += n;
        if (chunkedBody) {
            frameChunk(buffer, n);
        } else {
            buffer.flip();
        }
        // A service may answer as soon as the declared length arrived, before the visitor's channel says EOF.
        boolean last = requestFraming == RequestBodyFraming.FIXED && visitorBodyBytes == request.length();
        writeToTunnel(buffer, last ? this::afterBodySent : this::pumpRequest);
    }

    /** Puts the size line in the room left in front of the {@code n} body bytes and CRLF after them. */
    private static void frameChunk(ByteBuffer buffer, int n) {
        byte[] sizeLine = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int start = CHUNK_HEAD_ROOM - sizeLine.length;
        buffer.limit(buffer.capacity());
        buffer.put(CRLF);
        buffer.limit(buffer.position());
        buffer.position(start);
        buffer.put(sizeLine);
        buffer.position(start);
    }

    private void afterBodySent() {
        requestSent = true;
    }

    private void writeToTunnel(ByteBuffer bytes, Runnable next) {
        TunnelConnection target = tunnel;
        writePending = true;
        target.write(bytes, callback(target, ignored -> {
            writePending = false;
            if (finished) {
                releaseIdleBuffers();
                return;
            }
            idleTimer.touch();
            next.run();
            // A response that completed (or an upgrade the service accepted) while this write was in flight
            // waited for it: to decide recycle or close, or to hand a fully sent request over to the splice.
            maybeFinish();
            maybeUpgrade();
        }, cause -> {
            writePending = false;
            onWriteFailed(cause);
        }));
    }

    private void onWriteFailed(Throwable cause) {
        if (finished) {
            releaseIdleBuffers();
            return;
        }
        if (head != null) {
            abort(cause);
            return;
        }
        // Before any response the read side decides (502, or a retry on a fresh connection): closing fails the
        // read that is always pending until the head has arrived.
        tunnel.close();
    }

    private void readFromTunnel() {
        if (finished || readPending) {
            return;
        }
        TunnelConnection source = tunnel;
        ByteBuffer buffer = responseReadBuffer();
        buffer.clear();
        readPending = true;
        source.read(buffer, callback(source, n -> {
            readPending = false;
            if (finished) {
                releaseIdleBuffers();
            } else if (n < 0) {
                buffer.flip(); // nothing read: the buffer holds no input, not what it held before
                tunnelInput = buffer;
                onTunnelEnd(null);
            } else {
                anyResponseByte = true;
                idleTimer.touch();
                buffer.flip();
                tunnelInput = buffer;
                processResponse();
            }
        }, cause -> {
            readPending = false;
            if (finished) {
                releaseIdleBuffers();
            } else {
                onTunnelEnd(cause);
            }
        }));
    }

    /**
     * The pooled buffer, until a response body filled it: then the bulk buffer. Called only when the previous input is
     * consumed (the rewriter, too, asks for input only once it let go of it), so switching loses nothing.
     */
    private ByteBuffer responseReadBuffer() {
        if (bulkBuffer == null && head != null && tunnelInput != null && tunnelInput.limit() == tunnelInput.capacity()
                && tunnelInput == responseBuffer.getBuffer()) {
            bulkBuffer = ByteBuffer.allocate(BULK_READ_SIZE);
        }
        return bulkBuffer != null ? bulkBuffer : responseBuffer.getBuffer();
    }

    /** Parses and forwards what the tunnel delivered, until it needs more input or the visitor needs time. */
    private void processResponse() {
        try {
            while (!finished) {
                if (visitorOutput != null) {
                    if (!writeToVisitor()) {
                        return;
                    }
                    visitorOutput = null;
                }
                if (head == null) {
                    ResponseHead parsed = headParser.parse(tunnelInput);
                    if (parsed == null) {
                        readFromTunnel();
                        return;
                    }
                    if (parsed.status() == 101) {
                        acceptUpgrade(parsed);
                        return;
                    }
                    if (!parsed.isInterim()) {
                        startResponse(parsed);
                    }
                    continue;
                }
                ByteBuffer out = rewriter == null ? nextBodyBytes() : nextRewrittenBytes();
                if (out != null) {
                    visitorOutput = out;
                } else if (rewriter == null ? bodyComplete() : rewriter.isFinished()) {
                    responseDone = true;
                    maybeFinish();
                    return;
                } else {
                    // Nothing more at hand: what the visitor's channel holds goes out now, not when a buffer fills
                    // (an event stream may wait minutes for its next event).
                    if (!flushVisitor()) {
                        return;
                    }
                    readFromTunnel();
                    return;
                }
            }
        } catch (MalformedResponseException e) {
            ProxyLogger.VISITOR.malformedResponse(tunnelKey, e.getMessage());
            if (head == null) {
                fail(VisitorError.malformedResponse());
            } else {
                abort(e);
            }
        } catch (IOException e) {
            // A body the rewriter cannot decode (corrupt gzip, say) after the head went out: the visitor must see a
            // broken response rather than a page silently cut short.
            ProxyLogger.VISITOR.injectionFailed(tunnelKey, e.getMessage());
            abort(e);
        }
    }

    /**
     * The next bytes of a rewritten body for the visitor, or {@code null} when the rewriter is finished or needs more
     * from the tunnel. The rewriter keeps a view of the tunnel buffer until it asks for input again, and the buffer is
     * refilled only then; what it returns is written out before it is asked again.
     */
    private ByteBuffer nextRewrittenBytes() throws IOException, MalformedResponseException {
        while (true) {
            ByteBuffer out = rewriter.poll();
            if (out != null || rewriter.isFinished()) {
                return out;
            }
            if (!rewriter.needsInput()) {
                // Refilling the tunnel buffer now could overwrite bytes the rewriter still refers to.
                throw new IllegalStateException("the body rewriter has nothing to give, yet wants no input");
            }
            ByteBuffer in = nextBodyBytes();
            if (in != null) {
                rewriter.offer(in);
            } else if (bodyComplete() && !rewriterFed) {
                rewriterFed = true;
                rewriter.endOfInput();
            } else {
                return null;
            }
        }
    }

    private void startResponse(ResponseHead parsed) throws MalformedResponseException {
        framing = ResponseFraming.of(parsed, request.method());
        head = parsed;
        ResponseRewrite rewrite = request.injection() == null ? null
                : request.injection().forResponse(request.method(), parsed);
        List<HeaderField> fields = parsed.headers();
        if (rewrite != null) {
            // Without Content-Length (the rewrite changes it): Undertow chunks the body for the visitor.
            fields = rewrite.headers();
            rewriter = rewrite.body();
        }
        exchange.setStatusCode(parsed.status());
        if (!parsed.reason().isEmpty()) {
            exchange.setReasonPhrase(parsed.reason());
        }
        var headers = exchange.getResponseHeaders();
        String bodilessLength = null;
        for (HeaderField field : HopByHop.strip(fields)) {
            if (!field.is("Content-Length")) {
                headers.add(HttpString.tryFromString(field.name()), field.value());
            } else if (bodilessLength == null) {
                bodilessLength = field.value();
            }
        }
        switch (framing.kind()) {
            case FIXED -> {
                fixedLeft = framing.length();
                if (rewriter == null) {
                    headers.put(Headers.CONTENT_LENGTH, framing.length());
                }
            }
            case CHUNKED -> chunked = new ChunkedDecoder();
            case NONE -> {
                // HEAD and 304 tell the length of the body they do not carry (unless a rewrite made it unknown).
                if (bodilessLength != null && parsed.status() != 204) {
                    headers.put(Headers.CONTENT_LENGTH, bodilessLength);
                }
            }
            case UNTIL_CLOSE -> {
                // Undertow chunks it for the visitor (or closes, for HTTP/1.0 visitors).
            }
        }
        responseChannel = exchange.getResponseChannel();
    }

    private boolean bodyComplete() {
        return switch (framing.kind()) {
            case NONE -> true;
            case FIXED -> fixedLeft == 0;
            case CHUNKED -> chunked.isDone();
            case UNTIL_CLOSE -> closeDelimitedEnded;
        };
    }

    private ByteBuffer nextBodyBytes() throws MalformedResponseException {
        if (!tunnelInput.hasRemaining()) {
            return null;
        }
        switch (framing.kind()) {
            case FIXED -> {
                int n = (int) Math.min(fixedLeft, tunnelInput.remaining());
                ByteBuffer slice = tunnelInput.slice(tunnelInput.position(), n);
                tunnelInput.position(tunnelInput.position() + n);
                fixedLeft -= n;
                return slice;
            }
            case CHUNKED -> {
                return chunked.next(tunnelInput);
            }
            case UNTIL_CLOSE -> {
                ByteBuffer slice = tunnelInput.slice();
                tunnelInput.position(tunnelInput.limit());
                return slice;
            }
            default -> {
                return null;
            }
        }
    }

    /** @return whether everything went out; if not, the channel's write listener resumes the response. */
    private boolean writeToVisitor() {
        try {
            while (visitorOutput.hasRemaining()) {
                if (responseChannel.write(visitorOutput) == 0) {
                    resumeWhenVisitorWritable();
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            onVisitorFailed(e);
            return false;
        }
    }

    /** @return whether the visitor's channel holds nothing back; if not, its write listener resumes the response. */
    private boolean flushVisitor() {
        try {
            if (responseChannel.flush()) {
                return true;
            }
            resumeWhenVisitorWritable();
            return false;
        } catch (IOException e) {
            onVisitorFailed(e);
            return false;
        }
    }

    private void resumeWhenVisitorWritable() {
        responseChannel.getWriteSetter().set(channel -> {
            channel.suspendWrites();
            guarded(() -> {
                // The visitor took bytes: a slow reader is not an idle one.
                idleTimer.touch();
                processResponse();
            });
        });
        responseChannel.resumeWrites();
    }

    // ---- upgrades

    /**
     * The service answered with 101. For a request that asked for an upgrade the HTTP part of the exchange is over;
     * the bytes after the head, and everything after, belong to the upgraded protocol.
     */
    private void acceptUpgrade(ResponseHead parsed) throws MalformedResponseException {
        if (request.upgrade() == null) {
            throw new MalformedResponseException("101 Switching Protocols to a request that asked for no upgrade");
        }
        head = parsed;
        upgradeAccepted = true;
        maybeUpgrade();
    }

    /** Hands over to the splice once the 101 arrived and the request (head and body) is fully sent. */
    private void maybeUpgrade() {
        if (finished || !upgradeAccepted || !requestSent || writePending) {
            return;
        }
        finished = true;
        releaseExchangeState();
        stopReadingVisitor();
        PooledByteBuffer leftover = responseBuffer;
        responseBuffer = null;
        releaseIdleBuffers();
        UpgradeSplice splice = new UpgradeSplice(tunnel, leftover, exchange.getConnection().getByteBufferPool(),
                ioThread, timeouts.idle(), tunnelKey);
        // Until Undertow hands over the connection the splice owns the tunnel: a visitor leaving in between closes it.
        VisitorConnectionWatch.forget(exchange.getConnection(), visitorClosed);
        VisitorConnectionWatch.watch(exchange.getConnection(), ioThread, splice::onVisitorClosed);
        exchange.setStatusCode(101);
        if (!head.reason().isEmpty()) {
            exchange.setReasonPhrase(head.reason());
        }
        var headers = exchange.getResponseHeaders();
        for (HeaderField field : HopByHop.strip(head.headers())) {
            headers.add(HttpString.tryFromString(field.name()), field.value());
        }
        String protocol = head.first("Upgrade");
        headers.put(Headers.UPGRADE, protocol != null ? protocol : request.upgrade());
        // Sets Connection: Upgrade; Undertow calls the listener on this I/O thread once the 101 is flushed.
        exchange.upgradeChannel((connection, upgraded) -> splice.start(connection));
        exchange.endExchange();
    }

    private void onTunnelEnd(Throwable cause) {
        if (head == null) {
            if (!anyResponseByte && canRetry()) {
                ProxyLogger.VISITOR.retryingOnFreshConnection(tunnelKey);
                retried = true;
                tunnel.close();
                exchange.getConnection().getWorker().execute(this::connect);
                return;
            }
            ProxyLogger.VISITOR.noResponse(tunnelKey, cause);
            fail(anyResponseByte ? VisitorError.malformedResponse() : VisitorError.noResponse());
            return;
        }
        if (framing.kind() == ResponseFraming.Kind.UNTIL_CLOSE && cause == null) {
            closeDelimitedEnded = true;
            processResponse();
            return;
        }
        abort(cause != null ? cause : new IOException("the service closed the connection before the body ended"));
    }

    /** A reused channel that closed before any response byte: the backend dropped its idle keep-alive connection. */
    private boolean canRetry() {
        return !retried && request.idempotent() && tunnel.isReused() && requestFraming == RequestBodyFraming.NONE
                && visitorBodyBytes == 0;
    }

    /** Ends a complete response, once no write to the tunnel is in flight. */
    private void maybeFinish() {
        if (finished || !responseDone || writePending) {
            return;
        }
        finished = true;
        releaseExchangeState();
        // A connection that was asked to upgrade and declined is in no state worth reusing.
        boolean reusable = requestSent && head.keepsAlive() && framing.kind() != ResponseFraming.Kind.UNTIL_CLOSE
                && !tunnelInput.hasRemaining() && request.upgrade() == null;
        if (reusable) {
            tunnel.recycle();
        } else {
            tunnel.close();
        }
        stopReadingVisitor();
        releaseIdleBuffers();
        VisitorConnectionWatch.forget(exchange.getConnection(), visitorClosed);
        // Shuts down and flushes the response, and drains what is left of the visitor's body.
        exchange.endExchange();
    }

    /** Fails before any response byte went to the visitor: an error page, and the tunnel connection closed. */
    private void fail(VisitorError error) {
        if (finished) {
            return;
        }
        finished = true;
        releaseExchangeState();
        if (tunnel != null) {
            tunnel.close();
        }
        stopReadingVisitor();
        releaseIdleBuffers();
        VisitorConnectionWatch.forget(exchange.getConnection(), visitorClosed);
        ErrorPage.send(exchange, error);
    }

    /** Fails after the response head: the visitor's connection is closed at once, so it sees a broken response. */
    private void abort(Throwable cause) {
        if (finished) {
            return;
        }
        ProxyLogger.VISITOR.brokeMidResponse(tunnelKey, cause);
        closeBoth();
    }

    private void onVisitorFailed(IOException cause) {
        if (finished) {
            return;
        }
        ProxyLogger.VISITOR.visitorGone(tunnelKey, cause);
        closeBoth();
    }

    private void onVisitorClosed() {
        if (!finished) {
            ProxyLogger.VISITOR.visitorGone(tunnelKey, null);
            closeBoth();
        }
    }

    /** The idle timer or the deadline fired: 504 if the service has not answered yet, else a broken response. */
    private void onTimeout(VisitorError error) {
        if (finished) {
            return;
        }
        ProxyLogger.VISITOR.exchangeTimedOut(tunnelKey, error.message());
        if (head == null) {
            fail(error);
        } else {
            closeBoth();
        }
    }

    private void closeBoth() {
        finished = true;
        releaseExchangeState();
        if (tunnel != null) {
            tunnel.close();
        }
        stopReadingVisitor();
        releaseIdleBuffers();
        VisitorConnectionWatch.forget(exchange.getConnection(), visitorClosed);
        IoUtils.safeClose(exchange.getConnection());
    }

    /** Everything an ended exchange must stop or free besides its channels: timers and the rewriter's native state. */
    private void releaseExchangeState() {
        idleTimer.stop();
        deadline.stop();
        if (rewriter != null) {
            rewriter.close();
        }
    }

    private void stopReadingVisitor() {
        if (requestChannel != null) {
            requestChannel.getReadSetter().set(null);
            requestChannel.suspendReads();
        }
    }

    /** Gives buffers back to the pool once no tunnel operation may still use them. */
    private void releaseIdleBuffers() {
        if (requestBuffer != null && !writePending) {
            requestBuffer.close();
            requestBuffer = null;
        }
        if (responseBuffer != null && !readPending) {
            responseBuffer.close();
            responseBuffer = null;
        }
    }

    // ---- threading helpers

    /**
     * A tunnel callback that hops to the I/O thread and ignores completions of a connection that a retry has
     * replaced (its buffers belong to nobody by then, its failure decides nothing).
     */
    private <T> IoCallback<T> callback(TunnelConnection source, Consumer<T> onCompleted, Consumer<Throwable> onFailed) {
        return hop.callback(result -> {
            if (source == tunnel) {
                onCompleted.accept(result);
            }
        }, cause -> {
            if (source == tunnel) {
                onFailed.accept(cause);
            }
        });
    }

    /** The I/O thread is gone (the server is stopping, the visitor's connection with it): only the tunnel is left. */
    private void closeTunnelOnly() {
        TunnelConnection current = tunnel;
        if (current != null) {
            current.close();
        }
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            ProxyLogger.ROOT.unexpectedFailure(tunnelKey, e);
            if (head == null && !finished) {
                fail(VisitorError.internal());
            } else {
                closeBoth();
            }
        }
    }
}
