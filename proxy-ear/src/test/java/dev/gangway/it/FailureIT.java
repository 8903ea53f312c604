package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpHandler;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.BulkBody;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.ServerGauges;
import dev.gangway.it.support.Signals;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.WebSocketBackend;
import dev.gangway.it.support.WebSocketVisitor;

/**
 * Faults while streams are open, on the real server with the real ssh and real clients: each ends every affected
 * visitor connection promptly (never a hang), and afterwards the server is back where it was: no SSH connection,
 * tunnel, channel, visitor stream, pooled connection in use, or thread left over ({@link ServerGauges}).
 */
@ExtendWith(ArquillianExtension.class)
class FailureIT {

    private static final long GIB = 1L << 30;
    /**
     * How long a silent client keeps its streams at most: the server drops it once 3 probes 5 s apart went unanswered,
     * counted from the first probe after it fell silent (so 15 to 20 s after), as OpenSSH's ClientAliveCountMax
     * counts; and 2 s for the closes to reach every visitor.
     */
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(22);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    /** A service for downloads: {@code /download?size=N} streams N pattern bytes as fast as they are taken. */
    private static final HttpHandler DOWNLOAD = exchange -> {
        String query = exchange.getRequestURI().getRawQuery();
        long size = Long.parseLong(query.substring(query.indexOf("size=") + 5));
        exchange.sendResponseHeaders(200, size);
        try (OutputStream out = exchange.getResponseBody()) {
            BulkBody.writeTo(out, size);
        }
    };

    /** One client holding two tunnels: {@code ws-…} to a WebSocket echo service and {@code dl-…} to downloads. */
    private record Client(SshKeyPair key, SshProcess ssh) implements AutoCloseable {
        static Client open(int webSocketPort, int downloadPort) throws Exception {
            SshKeyPair key = SshKeyPair.ed25519();
            SshProcess ssh = SshProcess.start(key, "faults", List.of("-R", "/ws:localhost:" + webSocketPort,
                    "-R", "/dl:localhost:" + downloadPort), "hello");
            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(Duration.ofSeconds(30)));
            assertTrue(hello.hasDefined("tunnels", "/ws") && hello.hasDefined("tunnels", "/dl"), ssh.describe());
            return new Client(key, ssh);
        }

        String host(String name) {
            return ItServer.tunnelHost(name + "-" + key.clientId());
        }

        @Override
        public void close() throws Exception {
            ssh.close();
            key.close();
        }
    }

    /** Open streams of both kinds, each proven live (an echo, the first bytes of a download). */
    private record OpenStreams(List<WebSocketVisitor> webSockets, List<RawHttpConnection> downloads) {
        static OpenStreams open(Client client, int each) throws Exception {
            List<WebSocketVisitor> webSockets = new ArrayList<>();
            List<RawHttpConnection> downloads = new ArrayList<>();
            byte[] buffer = new byte[64 * 1024];
            for (int i = 0; i < each; i++) {
                WebSocketVisitor ws = WebSocketVisitor.connect(client.host("ws"), "/live/" + i);
                webSockets.add(ws);
                ws.sendText("live " + i, true);
                assertEquals("live " + i, ws.awaitText(WebSocketVisitor.TIMEOUT));

                RawHttpConnection download = RawHttpConnection.open((int) KEEPALIVE_TIMEOUT.toMillis() + 10_000);
                downloads.add(download);
                download.send("GET", "/download?size=" + GIB, client.host("dl"), null);
                var head = download.readHead();
                assertEquals(200, head.status());
                // Then it stops reading: a slow visitor, with the SSH window and socket buffers full behind it.
                InputStream body = download.body(head);
                assertTrue(body.read(buffer) > 0);
            }
            return new OpenStreams(webSockets, downloads);
        }

        /** Waits for every visitor connection to end; returns the slowest's delay after {@code since}. */
        long awaitAllEnded(long since, Duration limit) throws Exception {
            ExecutorService readers = Executors.newFixedThreadPool(16);
            try {
                List<Future<Long>> ended = new ArrayList<>();
                for (WebSocketVisitor ws : webSockets) {
                    ended.add(readers.submit(() -> {
                        WebSocketVisitor.End end = ws.awaitEnd(limit);
                        assertTrue(end.abnormal(), "a dead tunnel cannot close a WebSocket cleanly: " + end);
                        return System.nanoTime() - since;
                    }));
                }
                for (RawHttpConnection download : downloads) {
                    ended.add(readers.submit(() -> {
                        readUntilClosed(download.rawInput());
                        return System.nanoTime() - since;
                    }));
                }
                long slowest = 0;
                for (Future<Long> f : ended) {
                    slowest = Math.max(slowest, f.get(limit.toSeconds() + 15, TimeUnit.SECONDS));
                }
                return TimeUnit.NANOSECONDS.toMillis(slowest);
            } finally {
                readers.shutdownNow();
                for (WebSocketVisitor ws : webSockets) {
                    ws.abort();
                }
                for (RawHttpConnection download : downloads) {
                    download.close();
                }
            }
        }
    }

    @Test
    void aKilledClientEndsItsHundredOpenStreamsAndLeavesNothingBehind() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        try (WebSocketBackend webSockets = WebSocketBackend.start();
             Backend downloads = Backend.start(DOWNLOAD, 64);
             Client client = Client.open(webSockets.port(), downloads.port())) {
            OpenStreams streams = OpenStreams.open(client, 50);
            assertTrue(ServerGauges.read().activeStreams() >= 100, "the server sees the 100 streams");

            Signals.kill(client.ssh().pid());
            long millis = streams.awaitAllEnded(System.nanoTime(), KEEPALIVE_TIMEOUT);
            System.out.printf("FailureIT: 100 streams ended at most %d ms after the client was killed%n", millis);
            assertTrue(millis < KEEPALIVE_TIMEOUT.toMillis(), "slowest visitor connection ended after " + millis + " ms");
        }
        ServerGauges.awaitBaseline(baseline);
    }

    @Test
    void aFrozenClientsStreamsEndWithinTheKeepaliveTimeout() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        try (WebSocketBackend webSockets = WebSocketBackend.start();
             Backend downloads = Backend.start(DOWNLOAD, 16);
             Client client = Client.open(webSockets.port(), downloads.port())) {
            OpenStreams streams = OpenStreams.open(client, 10);
            // No FIN, no answer: only the server's own keepalive can tell.
            try (Signals.Frozen frozen = Signals.stop(client.ssh().pid())) {
                long millis = streams.awaitAllEnded(System.nanoTime(), KEEPALIVE_TIMEOUT);
                System.out.printf("FailureIT: 20 streams of a frozen client ended at most %d ms after it froze%n",
                        millis);
                assertTrue(millis < KEEPALIVE_TIMEOUT.toMillis(), "slowest ended after " + millis + " ms");
            }
        }
        ServerGauges.awaitBaseline(baseline);
    }

    @Test
    void aServiceDroppingItsConnectionsMidStreamEndsThoseVisitorsAndLeavesNothing() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        HttpHandler halfThenGone = exchange -> {
            exchange.sendResponseHeaders(200, 64L << 20);
            OutputStream out = exchange.getResponseBody();
            BulkBody.writeTo(out, 1 << 20);
            out.flush();
            throw new IOException("the service dies mid-body"); // the JDK server drops the connection
        };
        try (WebSocketBackend webSockets = WebSocketBackend.start();
             Backend downloads = Backend.start(halfThenGone);
             Client client = Client.open(webSockets.port(), downloads.port())) {
            List<WebSocketVisitor> open = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                WebSocketVisitor ws = WebSocketVisitor.connect(client.host("ws"), "/drop/" + i);
                ws.sendText("x", true);
                ws.awaitText(WebSocketVisitor.TIMEOUT);
                open.add(ws);
            }
            long start = System.nanoTime();
            webSockets.abortAll();
            for (WebSocketVisitor ws : open) {
                assertTrue(ws.awaitEnd(Duration.ofSeconds(5)).abnormal());
            }
            try (RawHttpConnection visitor = RawHttpConnection.open(10_000)) {
                visitor.send("GET", "/download?size=x", client.host("dl"), null);
                var head = visitor.readHead();
                assertEquals(200, head.status());
                long received = readUntilClosed(visitor.rawInput());
                assertTrue(received < 64L << 20, "the visitor sees a broken body, not a whole one: " + received);
            }
            System.out.printf("FailureIT: service drops reached the visitors in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertEquals(2, ServerGauges.read().tunnels() - baseline.tunnels(), "the tunnels themselves stay up");
        }
        ServerGauges.awaitBaseline(baseline);
    }

    @Test
    void aVisitorVanishingMidUploadEndsTheServicesRequestAndLeavesNothing() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        CompletableFuture<Long> serviceSawTheEnd = new CompletableFuture<>();
        HttpHandler upload = exchange -> {
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            InputStream in = exchange.getRequestBody();
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    total += n;
                }
            } catch (IOException e) {
                // a connection reset is an end too
            }
            serviceSawTheEnd.complete(total);
            throw new IOException("nothing to answer to");
        };
        try (WebSocketBackend webSockets = WebSocketBackend.start();
             Backend uploads = Backend.start(upload);
             Client client = Client.open(webSockets.port(), uploads.port())) {
            long declared = 100L << 20;
            try (RawHttpConnection visitor = RawHttpConnection.open(10_000)) {
                visitor.send("POST", "/upload", client.host("dl"), null, "Content-Length", Long.toString(declared));
                try (InputStream part = BulkBody.stream(4L << 20)) {
                    part.transferTo(visitor.output());
                }
                visitor.output().flush();
            }
            long start = System.nanoTime();
            long received = serviceSawTheEnd.get(10, TimeUnit.SECONDS);
            System.out.printf("FailureIT: the service saw the upload end %d ms after the visitor left, after %d bytes%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), received);
            assertTrue(received < declared, "the service must see the upload cut short: " + received);
        }
        ServerGauges.awaitBaseline(baseline);
    }

    /** Reads to end of stream (or a reset) and returns the byte count; a read timeout means a hang and fails. */
    private static long readUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            fail("a visitor connection hangs after the fault (" + total + " more bytes came)");
        } catch (SocketException e) {
            // A reset is an end too.
        }
        return total;
    }
}
