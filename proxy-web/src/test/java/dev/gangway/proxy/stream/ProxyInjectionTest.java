package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.encoder.Encoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code inject=} through the proxy's real byte path: pages whose {@code <head>} arrives split across the service's
 * writes get the script tag as they stream, in whatever coding the service chose, with consistent headers; anything
 * else passes byte for byte; what the visitor asked for reaches the service unchanged.
 */
class ProxyInjectionTest {

    private static final String KEY = "page-abc12345";
    private static final String SPEC = "[{\"src\":\"/__preevy/widget.js\",\"defer\":true}]";
    private static final String TAG = "<script src=\"/__preevy/widget.js\" defer></script>";
    private static final String PAGE = "<!doctype html><html><head lang=\"en\"><title>t</title></head>"
            + "<body>" + "x".repeat(40_000) + "</body></html>";

    private ProxyServer proxy;
    private final BlockingQueue<String> requestHeads = new ArrayBlockingQueue<>(8);

    @BeforeEach
    void start() {
        proxy = new ProxyServer();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    /**
     * A service that sends the head, then the first bytes of {@code body} in pieces of {@code piece} bytes with a
     * pause after each (so that the page's head is split across many reads), then the rest at once.
     */
    private RawBackend service(String headers, byte[] body, int piece) throws IOException {
        return new RawBackend(socket -> {
            requestHeads.add(RawBackend.readHead(socket));
            OutputStream out = socket.getOutputStream();
            out.write((headers + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int split = Math.min(body.length, 400);
            for (int i = 0; i < split; i += piece) {
                out.write(Arrays.copyOfRange(body, i, Math.min(split, i + piece)));
                out.flush();
                pause(3);
            }
            out.write(body, split, body.length - split);
            out.flush();
            socket.getInputStream().read();
        });
    }

    private RawHttp.Response get(String extraHeaders) throws IOException {
        try (RawHttp visitor = proxy.raw()) {
            visitor.send("GET /index.html HTTP/1.1\r\nHost: " + KEY + ".gw.test\r\n" + extraHeaders + "\r\n");
            return visitor.read(false);
        }
    }

    private static String expectedPage() {
        return PAGE.replace("<head lang=\"en\">", "<head lang=\"en\">" + TAG);
    }

    @Test
    void aPlainPageGetsTheTagRightAfterItsSplitHead() throws Exception {
        byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
        try (RawBackend service = service("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nETag: \"v1\"\r\n",
                page, 7)) {
            proxy.factory.registerWithInjection(KEY, service.address(), SPEC);
            RawHttp.Response response = get("");
            assertEquals(200, response.status());
            assertEquals(expectedPage(), response.text());
            assertNull(response.header("Content-Length"), "the length changed: no Content-Length");
            assertTrue(response.header("ETag").startsWith("\"v1+inject-"), response.header("ETag"));
        }
    }

    @Test
    void aGzipPageIsDecodedRewrittenAndEncodedAgainWhileTheVisitorsAcceptEncodingReachesTheService() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(PAGE.getBytes(StandardCharsets.UTF_8));
        }
        try (RawBackend service = service("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n",
                gz.toByteArray(), 3)) {
            proxy.factory.registerWithInjection(KEY, service.address(), SPEC);
            RawHttp.Response response = get("Accept-Encoding: gzip, br\r\n");
            assertEquals("gzip", response.header("Content-Encoding"));
            byte[] decoded = new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes();
            assertEquals(expectedPage(), new String(decoded, StandardCharsets.UTF_8));
            String head = requestHeads.poll(5, TimeUnit.SECONDS);
            assertTrue(head.contains("\r\nAccept-Encoding: gzip, br\r\n"), head);
        }
    }

    @Test
    void aBrotliPageIsDecodedRewrittenAndEncodedAgain() throws Exception {
        Brotli4jLoader.ensureAvailability();
        byte[] br = Encoder.compress(PAGE.getBytes(StandardCharsets.UTF_8));
        try (RawBackend service = service("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n",
                br, 2)) {
            proxy.factory.registerWithInjection(KEY, service.address(), SPEC);
            RawHttp.Response response = get("Accept-Encoding: br\r\n");
            assertEquals("br", response.header("Content-Encoding"));
            byte[] decoded = Decoder.decompress(response.body()).getDecompressedData();
            assertEquals(expectedPage(), new String(decoded, StandardCharsets.UTF_8));
        }
    }

    @Test
    void otherResponsesPassByteForByte() throws Exception {
        byte[] json = "{\"html\":\"<head></head>\"}".getBytes(StandardCharsets.UTF_8);
        try (RawBackend service = service("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"j\"\r\n",
                json, 4)) {
            proxy.factory.registerWithInjection(KEY, service.address(), SPEC);
            RawHttp.Response response = get("");
            assertArrayEquals(json, response.body());
            assertEquals(Integer.toString(json.length), response.header("Content-Length"));
            assertEquals("\"j\"", response.header("ETag"));
        }
    }

    @Test
    void theVisitorsRevalidationReachesTheServiceWithoutTheSuffix() throws Exception {
        byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
        try (RawBackend service = service("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: \"v1\"\r\n", page, 4096)) {
            proxy.factory.registerWithInjection(KEY, service.address(), SPEC);
            String etag = get("").header("ETag");
            requestHeads.clear();
            get("If-None-Match: " + etag + "\r\n");
            String head = requestHeads.poll(5, TimeUnit.SECONDS);
            assertTrue(head.contains("\r\nIf-None-Match: \"v1\"\r\n"), head);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
