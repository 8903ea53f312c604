package dev.gangway.it.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A visitor's WebSocket: the JDK's own client ({@code java.net.http.WebSocket}), collecting whole messages (the parts
 * of a fragmented message are joined, as a browser does) so that a test can wait for the next one. Every wait is
 * bounded. Connect through Gangway with {@link #connect(String, String)}, or straight to a service with
 * {@link #connect(URI, String)}.
 */
public final class WebSocketVisitor implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** How the connection ended: a close frame's status and reason, or the error that broke it. */
    public record End(int statusCode, String reason, Throwable error) {

        /** True when the peer closed without a close frame (or the connection broke). */
        public boolean abnormal() {
            return error != null || statusCode == 1006;
        }
    }

    /** One whole message: exactly one of {@code text} and {@code binary} is set. */
    public record Message(String text, byte[] binary) {
    }

    private final WebSocket socket;
    private final Collector collector;

    private WebSocketVisitor(WebSocket socket, Collector collector) {
        this.socket = socket;
        this.collector = collector;
    }

    /**
     * Opens {@code ws://localhost:<http port><path>} with {@code Host: <host>}, e.g. a tunnel's host; the failsafe
     * configuration allows the restricted Host header.
     *
     * @throws WebSocketHandshakeException when the answer is not {@code 101}; its response has the status
     */
    public static WebSocketVisitor connect(String host, String path) throws Exception {
        return connect(URI.create("ws://" + ItServer.HOST + ":" + ItServer.httpPort() + path), host);
    }

    /** Opens {@code uri}, with {@code Host: <host>} unless {@code host} is null. */
    public static WebSocketVisitor connect(URI uri, String host) throws Exception {
        return connect(Visitor.client(), uri, host);
    }

    /** As {@link #connect(URI, String)} with the given client, e.g. one with the TLS settings for {@code wss:}. */
    public static WebSocketVisitor connect(HttpClient client, URI uri, String host) throws Exception {
        Collector collector = new Collector();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (host != null) {
            builder.header("Host", host);
        }
        try {
            WebSocket socket = builder.buildAsync(uri, collector).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new WebSocketVisitor(socket, collector);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Sends a text message or, with {@code last} false, one part of a fragmented one. */
    public void sendText(String text, boolean last) throws Exception {
        await(socket.sendText(text, last));
    }

    public void sendBinary(byte[] bytes, boolean last) throws Exception {
        await(socket.sendBinary(ByteBuffer.wrap(bytes), last));
    }

    public void ping(byte[] payload) throws Exception {
        await(socket.sendPing(ByteBuffer.wrap(payload)));
    }

    /** The next whole message, or an AssertionError if none comes in time (or the connection ended). */
    public Message awaitMessage(Duration timeout) throws InterruptedException {
        Message message = collector.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + timeout + describeEnd());
        }
        return message;
    }

    public String awaitText(Duration timeout) throws InterruptedException {
        Message message = awaitMessage(timeout);
        if (message.text() == null) {
            throw new AssertionError("expected a text message, got " + message.binary().length + " binary bytes");
        }
        return message.text();
    }

    public byte[] awaitBinary(Duration timeout) throws InterruptedException {
        Message message = awaitMessage(timeout);
        if (message.binary() == null) {
            throw new AssertionError("expected a binary message, got text: " + message.text());
        }
        return message.binary();
    }

    /** The payload of the next pong. */
    public byte[] awaitPong(Duration timeout) throws InterruptedException {
        byte[] pong = collector.pongs.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (pong == null) {
            throw new AssertionError("no pong within " + timeout + describeEnd());
        }
        return pong;
    }

    /** How the connection ended, waiting for it to end; an AssertionError if it is still open after the timeout. */
    public End awaitEnd(Duration timeout) throws InterruptedException, ExecutionException {
        try {
            return collector.end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the WebSocket is still open after " + timeout);
        }
    }

    /** Starts the close handshake with 1000; {@link #awaitEnd} then sees the peer's answer. */
    public void sendClose() throws Exception {
        await(socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
    }

    /** Drops the TCP connection without a close frame, as a crashing browser does. */
    public void abort() {
        socket.abort();
    }

    private String describeEnd() {
        End end = collector.end.getNow(null);
        return end == null ? "" : "; the connection ended: " + end;
    }

    private static void await(CompletableFuture<WebSocket> send) throws Exception {
        try {
            send.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A polite close if still open, bounded; then the connection is dropped whatever happened. */
    @Override
    public void close() throws InterruptedException {
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
                collector.end.get(5, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            // The test has its verdict already; the abort below releases the connection either way.
        } finally {
            socket.abort();
        }
    }

    /** The listener: joins message parts, asks for one frame at a time, records pongs and the end. */
    private static final class Collector implements WebSocket.Listener {
        final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
        final CompletableFuture<End> end = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(new Message(text.toString(), null));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(new Message(null, binary.toByteArray()));
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            pongs.add(bytes);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end.complete(new End(statusCode, reason, null));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end.complete(new End(-1, null, error));
        }
    }
}
