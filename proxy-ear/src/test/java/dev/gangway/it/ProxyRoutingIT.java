package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpExchange;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.EchoService;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.Visitor;

/**
 * The HTTP side of the proxy on the real EAR: how a visitor's request finds its tunnel (host and path routing),
 * what the visitor gets when it finds none, what the service and the visitor see of each other's headers, and that
 * bodies pass unchanged in every framing. Each tunnel is a stock {@code ssh -R} to a real backend on loopback.
 */
@ExtendWith(ArquillianExtension.class)
class ProxyRoutingIT {

    private static final int READ_TIMEOUT_MS = 15_000;
    private static final String BASE_HOST = ItServer.HOST + ":" + ItServer.httpPort();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    // ---- host routing, bodies in every framing

    @Test
    void getByHostReachesTheBackendWithAFixedLengthResponse() throws Exception {
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            var response = visitor.get(tunnel.host(), "/page?size=70000&seed=1");

            assertEquals(200, response.status(), response.bodyText());
            assertArrayEquals(EchoService.expected("GET", "/page?size=70000&seed=1", new byte[0], 70_000, 1),
                    response.body());
            assertEquals(response.body().length, response.head().contentLength(),
                    "a fixed-length response keeps its length");
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the backend saw no request");
            assertEquals("/page?size=70000&seed=1", seen.uri());
        }
    }

    @Test
    void getByHostWithAChunkedResponseArrivesWhole() throws Exception {
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            String target = "/stream?chunked&size=300000&seed=2";
            var response = visitor.get(tunnel.host(), target);

            assertEquals(200, response.status(), response.bodyText());
            assertArrayEquals(EchoService.expected("GET", target, new byte[0], 300_000, 2), response.body());
            assertEquals(-1, response.head().contentLength(), "the service did not announce a length");
        }
    }

    @Test
    void postWithAFixedLengthBodyIsEchoedByteForByte() throws Exception {
        byte[] upload = EchoService.randomBytes(256 * 1024 + 17, 3);
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port())) {

            var response = Visitor.client().send(HttpRequest.newBuilder(ItServer.url("/upload"))
                            .header("Host", tunnel.host())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                            .timeout(java.time.Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            assertArrayEquals(EchoService.expected("POST", "/upload", upload, 0, 0), response.body());
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the backend saw no request");
            assertEquals(Integer.toString(upload.length), seen.header("Content-Length"));
        }
    }

    @Test
    void postWithAChunkedBodyIsEchoedByteForByteInAChunkedResponse() throws Exception {
        byte[][] pieces = {EchoService.randomBytes(1, 4), EchoService.randomBytes(40_000, 5),
                EchoService.randomBytes(100_000, 6), EchoService.randomBytes(7, 7)};
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            visitor.send("POST", "/upload?chunked", tunnel.host(), null,
                    "Transfer-Encoding", "chunked", "Content-Type", "application/octet-stream");
            for (byte[] piece : pieces) {
                visitor.write(RawHttpConnection.chunk(piece));
                whole.write(piece);
                // Chunks arrive separately, as from a real uploader, not in one segment.
                Thread.sleep(50);
            }
            visitor.write(RawHttpConnection.lastChunk());
            var response = visitor.readResponse();

            assertEquals(200, response.status(), response.bodyText());
            assertTrue(response.head().chunked(), "the service's chunked response reaches the visitor chunked");
            assertArrayEquals(EchoService.expected("POST", "/upload?chunked", whole.toByteArray(), 0, 0),
                    response.body());
        }
    }

    @Test
    void hostIsMatchedCaseInsensitively() throws Exception {
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port())) {
            String upperHost = ("APP-" + tunnel.clientId() + ".LOCALHOST:" + ItServer.httpPort())
                    .toUpperCase(Locale.ROOT);

            var response = Visitor.get(upperHost, "/Mixed/Case");

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("GET /Mixed/Case\n", response.body(), "the path keeps its case");
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the backend saw no request");
            assertEquals(upperHost, seen.header("Host"), "Host reaches the service as the visitor sent it");
        }
    }

    // ---- path routing

    @Test
    void pathRoutingOnTheProxyHostStripsThePrefixAndKeepsTheQuery() throws Exception {
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port())) {
            String proxyHost = "proxy." + ItServer.baseUrl().getHost() + ":" + ItServer.httpPort();

            var response = Visitor.get(proxyHost, "/proxy/" + tunnel.key() + "/deep/path?q=1&r=%20x");

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("GET /deep/path?q=1&r=%20x\n", response.body());
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the backend saw no request");
            assertEquals("/deep/path?q=1&r=%20x", seen.uri());
        }
    }

    @Test
    void pathRoutingIsNotOfferedOnTheBaseHost() throws Exception {
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port())) {

            var response = Visitor.get(BASE_HOST, "/proxy/" + tunnel.key() + "/deep/path");

            assertEquals(404, response.statusCode(), response.body());
            assertFalse(response.body().contains("GET /deep/path"), response.body());
            assertNull(backend.awaitRequest(1, TimeUnit.SECONDS),
                    "tunnel content must never be served from the base host's origin");
        }
    }

    // ---- the gateway's own answers

    @Test
    void healthzIs200OnTheBaseHost() throws Exception {
        var response = Visitor.get(BASE_HOST, "/healthz");

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void unknownTunnelIs502WithJsonWhenTheVisitorAcceptsJson() throws Exception {
        var response = Visitor.send(HttpRequest.newBuilder(ItServer.url("/any"))
                .header("Host", ItServer.tunnelHost("nosuch-aaaaaaaa"))
                .header("Accept", "application/json, text/plain;q=0.5"));

        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        assertEquals("No active tunnel found", ModelNode.fromJSONString(response.body()).get("message").asString());
    }

    @Test
    void unknownTunnelIs502WithTextOtherwise() throws Exception {
        var response = Visitor.send(HttpRequest.newBuilder(ItServer.url("/any"))
                .header("Host", ItServer.tunnelHost("nosuch-aaaaaaaa"))
                .header("Accept", "text/html"));

        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().toString());
        assertEquals("No active tunnel found", response.body().trim());
    }

    @Test
    void unknownHostIs404() throws Exception {
        var response = Visitor.get("example.org", "/");

        assertEquals(404, response.statusCode(), response.body());
    }

    @Test
    void clientRefusingTheChannelIsAQuick502SayingSo() throws Exception {
        int deadPort = unusedPort();
        try (OpenSshTunnel tunnel = OpenSshTunnel.open("dead", deadPort);
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            long start = System.nanoTime();
            var response = visitor.get(tunnel.host(), "/");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(502, response.status(), response.bodyText());
            assertTrue(response.bodyText().contains("refused"), response.bodyText());
            assertTrue(millis < 1_000, "a refused channel must be answered at once, took " + millis + " ms");
        }
    }

    // ---- headers

    @Test
    void hopByHopHeadersAreRemovedBothWaysAndForwardedHeadersAreTheGatewaysOwn() throws Exception {
        try (Backend backend = Backend.start(ProxyRoutingIT::hopByHopService);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {
            assertServiceSendsItsHopByHopHeaders(backend);

            var response = visitor.get(tunnel.host(), "/headers",
                    "Connection", "keep-alive, X-Visitor-Hop",
                    "X-Visitor-Hop", "visitor-secret",
                    "Keep-Alive", "timeout=5",
                    "TE", "trailers",
                    "Proxy-Authorization", "Basic dXNlcjpwYXNz",
                    "X-Forwarded-For", "203.0.113.9",
                    "X-Forwarded-Proto", "https",
                    "X-Forwarded-Port", "443",
                    "X-Forwarded-Host", "evil.example",
                    "X-End-To-End", "visitor-kept");

            assertEquals(200, response.status(), response.bodyText());
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the backend saw no request");
            assertEquals(tunnel.host(), seen.header("Host"), "Host unchanged");
            assertEquals("visitor-kept", seen.header("X-End-To-End"));
            assertNull(seen.header("X-Visitor-Hop"), "a header named by Connection is hop-by-hop");
            assertNull(seen.header("Keep-Alive"));
            assertNull(seen.header("TE"));
            assertNull(seen.header("Proxy-Authorization"), "proxy credentials are for this hop only");
            String connection = seen.header("Connection");
            assertTrue(connection == null || !connection.toLowerCase(Locale.ROOT).contains("x-visitor-hop"),
                    "Connection: " + connection);
            // No trusted proxies are configured: what the visitor claims is dropped, what the gateway saw is sent.
            assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
            assertEquals("http", seen.header("X-Forwarded-Proto"));
            assertEquals(Integer.toString(ItServer.httpPort()), seen.header("X-Forwarded-Port"));
            assertEquals(tunnel.host(), seen.header("X-Forwarded-Host"));

            var head = response.head();
            assertEquals("service-kept", head.header("X-End-To-End"));
            assertNull(head.header("X-Service-Hop"), "a header the service's Connection names stays on its hop");
            assertNull(head.header("Proxy-Agent"));
            String keepAlive = head.header("Keep-Alive");
            assertTrue(keepAlive == null || !keepAlive.contains("99"), "Keep-Alive: " + keepAlive);
            String visitorConnection = head.header("Connection");
            assertTrue(visitorConnection == null
                            || !visitorConnection.toLowerCase(Locale.ROOT).contains("x-service-hop"),
                    "Connection: " + visitorConnection);
        }
    }

    // ---- keep-alive

    @Test
    void severalRequestsShareOneVisitorConnection() throws Exception {
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("app", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            for (int i = 0; i < 6; i++) {
                String target = "/keep/" + i + (i % 2 == 0 ? "?size=5000&seed=" + i : "?chunked&size=20000&seed=" + i);
                if (i == 3) {
                    byte[] body = EchoService.randomBytes(10_000, 30);
                    visitor.send("POST", target, tunnel.host(), body, "Content-Length", Integer.toString(body.length));
                    var response = visitor.readResponse();
                    assertEquals(200, response.status(), response.bodyText());
                    assertArrayEquals(EchoService.expected("POST", target, body, 20_000, i), response.body());
                } else {
                    var response = visitor.get(tunnel.host(), target);
                    assertEquals(200, response.status(), "request " + i + ": " + response.bodyText());
                    int size = i % 2 == 0 ? 5_000 : 20_000;
                    assertArrayEquals(EchoService.expected("GET", target, new byte[0], size, i), response.body(),
                            "request " + i);
                }
            }
            // An error answer keeps the connection too.
            var unknown = visitor.get(ItServer.tunnelHost("nosuch-aaaaaaaa"), "/");
            assertEquals(502, unknown.status());
            var last = visitor.get(tunnel.host(), "/keep/last");
            assertEquals("GET /keep/last\n", last.bodyText());
        }
    }

    // ---- the backend's handlers

    /** Without the proxy, the service's hop-by-hop headers do reach a client: the test above is not vacuous. */
    private static void assertServiceSendsItsHopByHopHeaders(Backend backend) throws Exception {
        try (RawHttpConnection direct = RawHttpConnection.open(backend.port(), READ_TIMEOUT_MS)) {
            var head = direct.get("localhost", "/headers").head();
            assertEquals("service-secret", head.header("X-Service-Hop"));
            assertEquals("X-Service-Hop", head.header("Connection"));
            assertEquals("timeout=99", head.header("Keep-Alive"));
            assertEquals("backend", head.header("Proxy-Agent"));
        }
        assertNotNull(backend.awaitRequest(5, TimeUnit.SECONDS), "the direct request was not recorded");
    }

    /** Answers with end-to-end and hop-by-hop headers of its own. */
    private static void hopByHopService(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        var headers = exchange.getResponseHeaders();
        headers.set("Connection", "X-Service-Hop");
        headers.set("X-Service-Hop", "service-secret");
        headers.set("Keep-Alive", "timeout=99");
        headers.set("Proxy-Agent", "backend");
        headers.set("X-End-To-End", "service-kept");
        byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A loopback port nothing listens on (bound once by us, then released). */
    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
