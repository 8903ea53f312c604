package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.BulkBody;
import dev.gangway.it.support.EchoService;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.Visitor;

/**
 * The proxy under load and under failure on the real EAR: many visitor connections at once, each answer its own;
 * a client dying while a download streams; and bodies far larger than the server's heap (-Xmx512m), both ways.
 */
@ExtendWith(ArquillianExtension.class)
class ProxyLoadIT {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    /** How much more heap than before the server may hold, after a full GC, once a gigabyte went each way. */
    private static final long HEAP_GROWTH_LIMIT = 64 * MIB;
    /** A guard against hangs, not the performance budget (~2 minutes for both transfers, reported, not asserted). */
    private static final Duration TRANSFER_DEADLINE = Duration.ofMinutes(5);

    private static final int CONNECTIONS = 20;
    private static final int REQUESTS_PER_CONNECTION = 10;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void twoHundredConcurrentRequestsOverTwentyConnectionsEachGetTheirOwnAnswer() throws Exception {
        ExecutorService visitors = Executors.newFixedThreadPool(CONNECTIONS);
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("load", backend.port())) {
            CyclicBarrier allConnected = new CyclicBarrier(CONNECTIONS);
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                done.add(visitors.submit(() -> visitOnOneConnection(tunnel.host(), connection, allConnected,
                        failures)));
            }
            int answered = 0;
            for (Future<Integer> f : done) {
                // Each read is bounded by the socket timeout; this bounds the whole connection.
                answered += f.get(3, TimeUnit.MINUTES);
            }

            assertTrue(failures.isEmpty(), failures.size() + " wrong answers, e.g. " + failures.peek());
            assertEquals(CONNECTIONS * REQUESTS_PER_CONNECTION, answered);
            int seenByBackend = 0;
            while (backend.awaitRequest(0, TimeUnit.SECONDS) != null) {
                seenByBackend++;
            }
            assertEquals(CONNECTIONS * REQUESTS_PER_CONNECTION, seenByBackend, "each request reached the service once");
        } finally {
            visitors.shutdownNow();
        }
    }

    /** Ten keep-alive requests on one connection: GETs and POSTs, fixed and chunked; returns how many were right. */
    private static int visitOnOneConnection(String host, int connection, CyclicBarrier start, Queue<String> failures)
            throws Exception {
        int right = 0;
        try (RawHttpConnection visitor = RawHttpConnection.open(30_000)) {
            start.await(30, TimeUnit.SECONDS);
            for (int i = 0; i < REQUESTS_PER_CONNECTION; i++) {
                int seed = connection * 1000 + i;
                int size = 1_000 + (connection * 7919 + i * 104_729) % 60_000;
                String target = "/load/" + connection + "/" + i + "?size=" + size + "&seed=" + seed
                        + (i % 2 == 1 ? "&chunked" : "");
                byte[] requestBody = new byte[0];
                if (i % 3 == 2) {
                    requestBody = EchoService.randomBytes(500 + (connection * 31 + i * 17) % 20_000, seed + 500_000);
                    visitor.send("POST", target, host, requestBody,
                            "Content-Length", Integer.toString(requestBody.length));
                } else {
                    visitor.send("GET", target, host, null);
                }
                var response = visitor.readResponse();
                byte[] expected = EchoService.expected(i % 3 == 2 ? "POST" : "GET", target, requestBody, size, seed);
                if (response.status() != 200) {
                    failures.add(target + ": HTTP " + response.status() + " " + response.bodyText());
                } else if (!Arrays.equals(expected, response.body())) {
                    failures.add(target + ": body differs (" + response.body().length + " bytes, expected "
                            + expected.length + ")");
                } else {
                    right++;
                }
            }
        }
        return right;
    }

    @Test
    void clientDyingMidDownloadClosesTheVisitorConnectionPromptly() throws Exception {
        AtomicReference<String> sent = new AtomicReference<>();
        try (Backend backend = Backend.start(download(sent));
             OpenSshTunnel tunnel = OpenSshTunnel.open("vanish", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(10_000)) {
            visitor.send("GET", "/download?size=" + GIB, tunnel.host(), null);
            var head = visitor.readHead();
            assertEquals(200, head.status());
            InputStream body = visitor.body(head);
            byte[] buffer = new byte[64 * 1024];
            long before = 0;
            while (before < 8 * MIB) {
                int n = body.read(buffer);
                assertTrue(n > 0, "the download ended early");
                before += n;
            }

            tunnel.ssh().kill();
            long killed = System.nanoTime();
            long after = readUntilClosed(visitor.rawInput(), buffer);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("ProxyLoadIT: visitor connection closed %d ms after the client was killed%n", millis);

            assertTrue(millis < 5_000, "the visitor's connection closed " + millis + " ms after the client died");
            assertTrue(before + after < GIB, "the visitor must see a broken response, not a whole one");
            var next = Visitor.get(tunnel.host(), "/");
            assertEquals(502, next.statusCode(), "after the client died: " + next.body());
        }
    }

    /** Reads to end of stream (or reset) and returns the byte count; fails on a read timeout, i.e. a hang. */
    private static long readUntilClosed(InputStream in, byte[] buffer) throws IOException {
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            fail("the visitor's connection hangs after the client died (" + total + " more bytes came)");
        } catch (SocketException e) {
            // A reset is a close too.
        }
        return total;
    }

    @Test
    void aGigabyteEachWayStreamsThroughTheTunnelWithinTheServersHeap() throws Exception {
        AtomicReference<String> sent = new AtomicReference<>();
        HttpHandler service = exchange -> {
            if (exchange.getRequestURI().getPath().equals("/upload")) {
                upload(exchange);
            } else {
                download(sent).handle(exchange);
            }
        };
        long heapBefore = heapUsedAfterGc();
        try (Backend backend = Backend.start(service);
             OpenSshTunnel tunnel = OpenSshTunnel.open("bulk", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(60_000)) {

            long start = System.nanoTime();
            BulkBody.Digest received = withDeadline(visitor, () -> {
                visitor.send("GET", "/download?size=" + GIB, tunnel.host(), null);
                var head = visitor.readHead();
                assertEquals(200, head.status());
                assertEquals(GIB, head.contentLength(), "the service's length reaches the visitor");
                return BulkBody.readAll(visitor.body(head));
            });
            double downSeconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            String[] uploaded = new String[1];
            var answer = withDeadline(visitor, () -> {
                visitor.send("POST", "/upload", tunnel.host(), null, "Content-Length", Long.toString(GIB),
                        "Content-Type", "application/octet-stream");
                uploaded[0] = BulkBody.writeTo(visitor.output(), GIB);
                visitor.output().flush();
                return visitor.readResponse();
            });
            double upSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("ProxyLoadIT: 1 GiB download %.1f s (%.1f MB/s), 1 GiB upload %.1f s (%.1f MB/s)%n",
                    downSeconds, GIB / 1e6 / downSeconds, upSeconds, GIB / 1e6 / upSeconds);

            assertEquals(GIB, received.length(), "download length");
            assertEquals(sent.get(), received.sha256(), "download SHA-256: what the service sent");
            assertEquals(200, answer.status(), answer.bodyText());
            assertEquals(GIB + " " + uploaded[0], answer.bodyText(), "upload length and SHA-256 the service saw");
        }
        long heapAfter = heapUsedAfterGc();
        System.out.printf("ProxyLoadIT: server heap in use after GC %d MB before, %d MB after%n",
                heapBefore / MIB, heapAfter / MIB);
        assertTrue(heapAfter - heapBefore < HEAP_GROWTH_LIMIT, "the server's heap grew from " + heapBefore / MIB
                + " MB to " + heapAfter / MIB + " MB over two 1 GiB transfers");
    }

    /** {@code /download?size=N}: N pattern bytes, fixed-length; records the SHA-256 of what it wrote. */
    private static HttpHandler download(AtomicReference<String> sha256) {
        return exchange -> {
            exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getRawQuery();
            long size = Long.parseLong(query.substring(query.indexOf("size=") + 5));
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, size);
            try (OutputStream out = exchange.getResponseBody()) {
                sha256.set(BulkBody.writeTo(out, size));
            }
        };
    }

    /** {@code POST /upload}: reads the body as it comes and answers {@code <length> <sha256>}. */
    private static void upload(HttpExchange exchange) throws IOException {
        BulkBody.Digest seen = BulkBody.readAll(exchange.getRequestBody());
        byte[] answer = seen.toString().getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** The server's heap in use right after a full GC, through the management API. */
    private static long heapUsedAfterGc() throws IOException {
        String[] memory = {"core-service", "platform-mbean", "type", "memory"};
        ManagementApi.result("gc", memory);
        return ManagementApi.result("read-attribute", memory, "name", "heap-memory-usage").get("used").asLong();
    }

    /**
     * Runs a transfer with a deadline: a blocked socket write has no timeout of its own, so on the deadline the
     * connection is closed, which ends the write, and the test fails.
     */
    private static <T> T withDeadline(RawHttpConnection connection, Callable<T> transfer) throws Exception {
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<T> result = runner.submit(transfer);
            try {
                return result.get(TRANSFER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                connection.close();
                throw new AssertionError("transfer still running after " + TRANSFER_DEADLINE, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        } finally {
            runner.shutdownNow();
        }
    }
}
