package dev.gangway.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import com.sun.net.httpserver.HttpExchange;

/**
 * A backend handler ({@link Backend#start(com.sun.net.httpserver.HttpHandler)}) whose every answer is unique to its
 * request and computable by the test: {@code <METHOD> <uri>\n}, then the request body, then {@code size} bytes of
 * the random pattern {@code seed} (query parameters {@code size} and {@code seed}). The response is chunked when
 * the query has the word {@code chunked}, fixed-length otherwise. Bodies are small: the request body is kept.
 */
public final class EchoService {

    private EchoService() {
    }

    public static void handle(HttpExchange exchange) throws IOException {
        byte[] requestBody = exchange.getRequestBody().readAllBytes();
        String query = exchange.getRequestURI().getRawQuery();
        byte[] body = expected(exchange.getRequestMethod(), exchange.getRequestURI().toString(), requestBody,
                intParam(query, "size"), intParam(query, "seed"));
        boolean chunked = query != null && Arrays.asList(query.split("&")).contains("chunked");
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            // In pieces, so that a chunked response really has several chunks.
            for (int off = 0; off < body.length; off += 16 * 1024) {
                out.write(body, off, Math.min(16 * 1024, body.length - off));
                out.flush();
            }
        }
    }

    /** The exact body {@link #handle} answers to this request. */
    public static byte[] expected(String method, String uri, byte[] requestBody, int size, int seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + uri + "\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(requestBody);
        out.writeBytes(randomBytes(size, seed));
        return out.toByteArray();
    }

    /** {@code size} bytes of the pattern {@code seed}; the same on every call. */
    public static byte[] randomBytes(int size, int seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static int intParam(String query, String name) {
        return intParam(query, name, 0);
    }

    /** The integer query parameter {@code name}, or {@code fallback} when absent. */
    static int intParam(String query, String name, int fallback) {
        if (query == null) {
            return fallback;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return Integer.parseInt(pair.substring(name.length() + 1));
            }
        }
        return fallback;
    }
}
