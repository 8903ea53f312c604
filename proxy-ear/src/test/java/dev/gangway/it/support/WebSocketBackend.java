package dev.gangway.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.xnio.Pooled;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;

/**
 * A real WebSocket service on a free loopback port (Undertow's RFC 6455 server), the service behind a tunnel in the
 * WebSocket ITs.
 *
 * <ul>
 * <li>A handshake on any path is accepted and the connection echoes every message: text as text, binary as binary,
 * a fragmented message once it is whole, as one message. Undertow answers pings with pongs and close with close.
 * Messages up to {@link #MAX_MESSAGE} bytes are reassembled in memory; that is what the 10 MB test needs.</li>
 * <li>A handshake on {@code /refuse/<status>} is refused with that status and a text body.</li>
 * <li>Every handshake request, refused or not, is recorded with its headers ({@link #awaitHandshake}), so a test can
 * check what the proxy forwarded ({@code X-Forwarded-Proto: ws}, {@code Host}...).</li>
 * <li>Plain HTTP requests get the pages added with {@link #serve}, else 404: a browser test loads its page and script
 * from here.</li>
 * <li>{@link #abortAll()} drops every open WebSocket connection without a close frame, as a crashing service does;
 * {@link #closedCount()} counts connections that ended either way, so a test can see a visitor's close reach here.</li>
 * </ul>
 */
public final class WebSocketBackend implements AutoCloseable {

    /** The largest message the echo reassembles. */
    public static final long MAX_MESSAGE = 32L * 1024 * 1024;

    private static final String REFUSE_PREFIX = "/refuse/";

    private record Page(String contentType, byte[] body) {
    }

    private final Undertow server;
    private final BlockingQueue<Backend.Request> handshakes = new LinkedBlockingQueue<>();
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final Set<WebSocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger closed = new AtomicInteger();
    private final WebSocketProtocolHandshakeHandler handshake;

    private WebSocketBackend() {
        this.handshake = Handlers.websocket((exchange, channel) -> {
            open.add(channel);
            channel.addCloseTask(c -> {
                open.remove(c);
                closed.incrementAndGet();
            });
            channel.getReceiveSetter().set(new Echo());
            channel.resumeReceives();
        });
        // Small thread counts: the machine is shared, and the echo never blocks.
        this.server = Undertow.builder()
                .addHttpListener(0, InetAddress.getLoopbackAddress().getHostAddress())
                .setIoThreads(2)
                .setWorkerThreads(2)
                .setHandler(this::handle)
                .build();
    }

    public static WebSocketBackend start() {
        WebSocketBackend backend = new WebSocketBackend();
        backend.server.start();
        return backend;
    }

    /** The port to forward the tunnel to. */
    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Serves {@code body} at {@code path} to plain GET requests. */
    public WebSocketBackend serve(String path, String contentType, String body) {
        pages.put(path, new Page(contentType, body.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** The next handshake request the backend received (method GET, the target, its headers), or null on timeout. */
    public Backend.Request awaitHandshake(long timeout, TimeUnit unit) throws InterruptedException {
        return handshakes.poll(timeout, unit);
    }

    /** WebSocket connections open now. */
    public int openCount() {
        return open.size();
    }

    /** WebSocket connections that have ended, by a close handshake, an abort or a dropped TCP connection. */
    public int closedCount() {
        return closed.get();
    }

    /**
     * Drops every open WebSocket connection: the TCP connection closes with no close frame, as when the service
     * crashes.
     *
     * @return how many connections were dropped
     */
    public int abortAll() {
        int n = 0;
        for (WebSocketChannel channel : List.copyOf(open)) {
            try {
                // AbstractFramedChannel.close() closes the TCP connection itself; sendClose() would be the polite way.
                channel.close();
                n++;
            } catch (IOException e) {
                // Already gone: nothing left to drop.
            }
        }
        return n;
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            handshakes.add(record(exchange));
            String path = exchange.getRequestPath();
            if (path.startsWith(REFUSE_PREFIX)) {
                int status = Integer.parseInt(path.substring(REFUSE_PREFIX.length()));
                answer(exchange, status, "text/plain; charset=utf-8",
                        ("handshake refused by the backend with " + status + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            handshake.handleRequest(exchange);
            return;
        }
        Page page = pages.get(exchange.getRequestPath());
        if (page == null) {
            answer(exchange, 404, "text/plain; charset=utf-8",
                    ("no page at " + exchange.getRequestPath() + "\n").getBytes(StandardCharsets.UTF_8));
        } else {
            answer(exchange, 200, page.contentType(), page.body());
        }
    }

    private static void answer(HttpServerExchange exchange, int status, String contentType, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static Backend.Request record(HttpServerExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString(), new ArrayList<>(values));
        }
        String query = exchange.getQueryString();
        String uri = exchange.getRequestURI() + (query == null || query.isEmpty() ? "" : "?" + query);
        return new Backend.Request(exchange.getRequestMethod().toString(), uri, Map.copyOf(headers), -1);
    }

    /** Echoes whole messages; runs on Undertow's I/O threads and never blocks them. */
    private static final class Echo extends AbstractReceiveListener {

        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            WebSockets.sendText(message.getData(), channel, null);
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            Pooled<ByteBuffer[]> data = message.getData();
            WebSockets.sendBinary(data.getResource(), channel, new WebSocketCallback<Void>() {
                @Override
                public void complete(WebSocketChannel c, Void context) {
                    data.free();
                }

                @Override
                public void onError(WebSocketChannel c, Void context, Throwable throwable) {
                    data.free();
                }
            });
        }

        @Override
        protected long getMaxBinaryBufferSize() {
            return MAX_MESSAGE;
        }

        @Override
        protected long getMaxTextBufferSize() {
            return MAX_MESSAGE;
        }
    }

    @Override
    public void close() {
        abortAll();
        server.stop();
    }
}
