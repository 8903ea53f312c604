package dev.gangway.proxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The service behind the tunnel: the JDK's HTTP server on a loopback port, with a few test endpoints. */
final class Backend implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    Backend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/echo", this::echo);
        server.createContext("/headers", this::headers);
        server.createContext("/count", this::count);
        server.createContext("/big", this::big);
        server.createContext("/status", this::status);
        server.start();
    }

    /** Every value of a header in a {@code /headers} echo, whose names are lower case. */
    static List<String> echoed(String echo, String name) {
        List<String> out = new java.util.ArrayList<>();
        for (String line : echo.split("\n")) {
            if (line.startsWith(name + ": ")) {
                out.add(line.substring(name.length() + 2));
            }
        }
        return out;
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Sends the body back: with a length if the request had one, chunked if not. */
    private void echo(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        String te = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
        exchange.getResponseHeaders().add("X-Request-Framing", te != null ? "chunked:" + te : "length:" + length);
        exchange.getResponseHeaders().add("Connection", "X-Hop");
        exchange.getResponseHeaders().add("X-Hop", "should not pass");
        exchange.sendResponseHeaders(200, length != null ? Long.parseLong(length) : 0);
        try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
        }
    }

    /** Lists the request line and headers as the service saw them. */
    private void headers(HttpExchange exchange) throws IOException {
        StringBuilder text = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                text.append(header.getKey().toLowerCase()).append(": ").append(value).append('\n');
            }
        }
        exchange.getRequestBody().readAllBytes();
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Reads the body as a stream and answers its length and SHA-256. */
    private void count(HttpExchange exchange) throws IOException {
        MessageDigest digest = sha256();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                total += n;
            }
        }
        byte[] body = (total + " " + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** {@code /big?n=<bytes>[&chunked]}: a generated body of that size, streamed. */
    private void big(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long size = Long.parseLong(query.replaceAll(".*n=(\\d+).*", "$1"));
        boolean chunked = query.contains("chunked");
        exchange.sendResponseHeaders(200, chunked ? 0 : size);
        try (OutputStream out = exchange.getResponseBody()) {
            writePattern(out, size);
        }
    }

    private void status(HttpExchange exchange) throws IOException {
        int code = Integer.parseInt(exchange.getRequestURI().getQuery().replaceAll(".*code=(\\d+).*", "$1"));
        exchange.getResponseHeaders().add("ETag", "\"v1\"");
        exchange.sendResponseHeaders(code, -1);
        exchange.close();
    }

    /** The byte at offset i of every generated body: a pattern that catches reordered or lost bytes. */
    static byte patternByte(long i) {
        return (byte) (i % 251);
    }

    static void writePattern(OutputStream out, long size) throws IOException {
        byte[] block = new byte[251 * 64];
        for (int i = 0; i < block.length; i++) {
            block[i] = patternByte(i);
        }
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(left, block.length);
            out.write(block, 0, n);
            left -= n;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
