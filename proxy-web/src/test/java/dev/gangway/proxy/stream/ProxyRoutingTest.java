package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing, the gateway's own answers and the error statuses, through a real Undertow and a real backend. */
class ProxyRoutingTest {

    private Backend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new Backend();
        proxy = new ProxyServer();
        proxy.factory.register("app-abc12345", backend.address());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    private RawHttp.Response rawGet(String host, String target, String... extraHeaders) throws Exception {
        try (RawHttp visitor = proxy.raw()) {
            visitor.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", extraHeaders) + "\r\n");
            return visitor.read(false);
        }
    }

    @Test
    void hostRoutingReachesTheTunnelCaseInsensitivelyWithThePathUnchanged() throws Exception {
        RawHttp.Response response = rawGet("APP-abc12345.gw.TEST:8080", "/headers/x?q=%20a");
        assertEquals(200, response.status());
        assertTrue(response.text().startsWith("GET /headers/x?q=%20a\n"), response.text());
        // Host passes unchanged.
        assertTrue(response.text().contains("host: APP-abc12345.gw.TEST:8080\n"), response.text());
    }

    @Test
    void pathRoutingStripsThePrefixAndKeepsTheQuery() throws Exception {
        HttpResponse<String> response = proxy.client.send(HttpRequest.newBuilder(
                proxy.url("/proxy/app-abc12345/headers/y?a=1&b=2")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("GET /headers/y?a=1&b=2\n"), response.body());
    }

    @Test
    void baseHostFallsThroughToTheApplicationAndAnswersHealth() throws Exception {
        assertEquals(299, rawGet("gw.test:8080", "/proxy/app-abc12345/headers").status());
        assertEquals(ProxyServer.APPLICATION_BODY, rawGet("gw.test", "/anything").text());
        RawHttp.Response health = rawGet("gw.test:8080", "/healthz");
        assertEquals(200, health.status());
        assertEquals("OK", health.text());
    }

    @Test
    void unknownHostIs404() throws Exception {
        assertEquals(404, rawGet("elsewhere.example", "/").status());
        assertEquals(404, rawGet("a.b.gw.test", "/").status());
    }

    @Test
    void unknownTunnelIs502InJsonOrText() throws Exception {
        RawHttp.Response json = rawGet("gone-abc12345.gw.test", "/", "Accept: application/json\r\n");
        assertEquals(502, json.status());
        assertEquals("{\"message\":\"No active tunnel found\"}", json.text());
        assertTrue(json.header("Content-Type").startsWith("application/json"));
        RawHttp.Response text = rawGet("gone-abc12345.gw.test", "/", "Accept: text/html\r\n");
        assertEquals(502, text.status());
        assertEquals("No active tunnel found\n", text.text());
        assertEquals(502, proxy.client.send(HttpRequest.newBuilder(proxy.url("/proxy/gone-abc12345/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void clientRefusingTheConnectionIsA502Fast() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
        proxy.factory.register("down-abc12345", closedPort);
        long start = System.nanoTime();
        HttpResponse<String> response = proxy.client.send(HttpRequest.newBuilder(proxy.url("/proxy/down-abc12345/"))
                .timeout(Duration.ofSeconds(5)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(502, response.statusCode());
        assertTrue(response.body().contains("refused"), response.body());
        assertTrue(millis < 2000, "took " + millis + " ms");
    }

    @Test
    void h2cUpgradeOffersAreDeclinedByAnsweringInHttp11() throws Exception {
        RawHttp.Response response = rawGet("app-abc12345.gw.test", "/headers",
                "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n");
        assertEquals(200, response.status());
        assertTrue(!response.text().contains("upgrade") && !response.text().contains("http2-settings"),
                response.text());
    }

    @Test
    void untrustedVisitorGetsOnlyObservedForwardedHeaders() throws Exception {
        String seen = rawGet("app-abc12345.gw.test:8080", "/headers",
                "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\n"
                        + "Connection: X-Private\r\nX-Private: secret\r\n").text();
        assertTrue(seen.contains("x-forwarded-for: 127.0.0.1\n"), seen);
        assertTrue(seen.contains("x-forwarded-proto: http\n"), seen);
        assertTrue(seen.contains("x-forwarded-port: 8080\n"), seen);
        assertTrue(seen.contains("x-forwarded-host: app-abc12345.gw.test:8080\n"), seen);
        assertTrue(!seen.contains("6.6.6.6") && !seen.contains("evil") && !seen.contains("secret"), seen);
    }

    @Test
    void trustedProxysForwardedHeadersAreKeptAndAppendedTo() throws Exception {
        proxy.close();
        proxy = new ProxyServer(List.of("127.0.0.0/8"));
        proxy.factory.register("app-abc12345", backend.address());
        String seen = rawGet("app-abc12345.gw.test", "/headers",
                "X-Forwarded-For: 203.0.113.5\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 443\r\n"
                        + "X-Forwarded-Host: public.example\r\n").text();
        assertTrue(seen.contains("x-forwarded-for: 203.0.113.5, 127.0.0.1\n"), seen);
        assertTrue(seen.contains("x-forwarded-proto: https\n"), seen);
        assertTrue(seen.contains("x-forwarded-port: 443\n"), seen);
        assertTrue(seen.contains("x-forwarded-host: public.example\n"), seen);
    }
}
