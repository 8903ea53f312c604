package dev.gangway.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A small real HTTP server on a free loopback port: the service behind a tunnel ({@code ssh -R
 * /name:localhost:<port>}). The default handler answers {@code 200 text/plain} with
 * {@code backend <METHOD> <path?query>} and records every request it saw, headers included, so a test can check
 * what the proxy forwarded. Request bodies are read and counted, never kept.
 */
public final class Backend implements AutoCloseable {

    /** What the backend saw of one request. */
    public record Request(String method, String uri, Map<String, List<String>> headers, long bodyLength) {

        /** The first value of a header, case-insensitively; null when absent. */
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

    private Backend(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** A backend with the default recording handler. */
    public static Backend start() throws IOException {
        return start(null);
    }

    /**
     * A backend whose {@code /} is {@code handler} (after recording the request); null for the default answer.
     * The handler must read the request body itself if it wants it.
     */
    public static Backend start(HttpHandler handler) throws IOException {
        return start(handler, 8);
    }

    /** As {@link #start(HttpHandler)}, serving up to {@code threads} requests at once (one thread each). */
    public static Backend start(HttpHandler handler, int threads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "it-backend-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Backend backend = new Backend(server, executor);
        server.createContext("/", exchange -> backend.handle(exchange, handler));
        server.start();
        return backend;
    }

    /** The port to forward the tunnel to. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The next request the backend received, or null if none came within the timeout. */
    public Request awaitRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return requests.poll(timeout, unit);
    }

    private void handle(HttpExchange exchange, HttpHandler handler) throws IOException {
        try (exchange) {
            if (handler != null) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), -1));
                handler.handle(exchange);
                return;
            }
            long length = drain(exchange.getRequestBody());
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), length));
            byte[] body = ("backend " + exchange.getRequestMethod() + " " + exchange.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
