package dev.gangway.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.sun.net.httpserver.HttpExchange;

/**
 * A dev server's HTML page for {@link Backend#start(com.sun.net.httpserver.HttpHandler)}: {@code /page?coding=gzip|br}
 * (identity without), sent chunked in small flushed pieces so that the page's {@code <head>} reaches the gateway split
 * across reads, with an ETag, and 304 for a matching {@code If-None-Match}. {@code /data.json} is a non-HTML answer.
 */
public final class HtmlPageService {

    public static final String ETAG = "\"page-v1\"";
    public static final String PAGE = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>dev</title></head>"
            + "<body><h1>hello</h1>" + "<p>content</p>".repeat(2_000) + "</body></html>";
    public static final String JSON = "{\"markup\":\"<head></head>\"}";

    private HtmlPageService() {
    }

    public static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/data.json")) {
            byte[] json = JSON.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("ETag", "\"json-v1\"");
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
            return;
        }
        if (ETAG.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            exchange.getResponseHeaders().set("ETag", ETAG);
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        String coding = query != null && query.startsWith("coding=") ? query.substring(7) : "identity";
        byte[] body = encode(coding, PAGE.getBytes(StandardCharsets.UTF_8));
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("ETag", ETAG);
        if (!coding.equals("identity")) {
            exchange.getResponseHeaders().set("Content-Encoding", coding);
        }
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        int first = Math.min(body.length, 300);
        for (int i = 0; i < first; i += 5) {
            out.write(body, i, Math.min(5, first - i));
            out.flush();
        }
        out.write(body, first, body.length - first);
    }

    public static byte[] encode(String coding, byte[] plain) {
        try {
            switch (coding) {
                case "identity":
                    return plain;
                case "gzip": {
                    ByteArrayOutputStream gz = new ByteArrayOutputStream();
                    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                        out.write(plain);
                    }
                    return gz.toByteArray();
                }
                case "br":
                    Brotli4jLoader.ensureAvailability();
                    return Encoder.compress(plain);
                default:
                    throw new IllegalArgumentException("coding " + coding);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
