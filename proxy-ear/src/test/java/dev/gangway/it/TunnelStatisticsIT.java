package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpExchange;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.BulkBody;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.ServerGauges;
import dev.gangway.it.support.Signals;
import dev.gangway.it.support.Visitor;

/**
 * What an operator sees of the live state, read the way the admin console reads it (the HTTP management API as the
 * admin user): a tunnel opened with the real {@code ssh} is listed with its client, the bytes of known bodies are
 * counted each way, a slow response shows as an open stream and a managed connection in use until it ends, the
 * tunnel leaves the list when its client is killed, and every gauge comes back to where it was.
 */
@ExtendWith(ArquillianExtension.class)
class TunnelStatisticsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int UPLOAD = 300_000;
    private static final int DOWNLOAD = 500_000;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void aTunnelsTrafficIsCountedAndEverythingComesBackWhenItsClientDies() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        CountDownLatch releaseSlow = new CountDownLatch(1);
        try (Backend backend = Backend.start(exchange -> serve(exchange, releaseSlow));
             OpenSshTunnel tunnel = OpenSshTunnel.open("stats", backend.port())) {

            ModelNode listed = Poll.until(WAIT, "tunnel listed", () -> ServerGauges.tunnel(tunnel.key()),
                    t -> t.isPresent()).orElseThrow();
            assertEquals(tunnel.clientId(), listed.get("clientId").asString(), listed.toJSONString(true));
            assertEquals("stats-env", listed.get("envId").asString());
            assertEquals("public", listed.get("access").asString());
            assertEquals("http://" + tunnel.key() + ".localhost:" + ItServer.httpPort() + "/",
                    listed.get("url").asString());
            assertEquals(0, listed.get("activeStreams").asInt());
            assertTrue(ServerGauges.read().tunnels() >= 1);
            long gatewayToBefore = ServerGauges.extendedStatistics().get("BytesToServices").asLong();

            HttpResponse<InputStream> response = Visitor.client().send(HttpRequest.newBuilder(
                            ItServer.url("/download?size=" + DOWNLOAD)).header("Host", tunnel.host())
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> BulkBody.stream(UPLOAD)), UPLOAD)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals(DOWNLOAD, BulkBody.readAll(response.body()).length());

            ModelNode counted = Poll.until(WAIT, "the exchange counted and ended",
                    () -> ServerGauges.tunnel(tunnel.key()).orElseThrow(),
                    t -> t.get("activeStreams").asInt() == 0 && t.get("bytesFromService").asLong() >= DOWNLOAD);
            assertTrue(counted.get("bytesToService").asLong() >= UPLOAD, counted.toJSONString(true));
            assertTrue(counted.get("bytesToService").asLong() < UPLOAD + 4096,
                    "the request body and a request head, nothing counted twice: " + counted.toJSONString(true));
            assertTrue(counted.get("bytesFromService").asLong() < DOWNLOAD + 4096, counted.toJSONString(true));
            assertEquals(1, counted.get("streams").asLong());
            assertTrue(ServerGauges.extendedStatistics().get("BytesToServices").asLong() - gatewayToBefore >= UPLOAD,
                    "the gateway's total counts the tunnel's bytes too");

            CompletableFuture<HttpResponse<String>> slow = Visitor.client().sendAsync(
                    HttpRequest.newBuilder(ItServer.url("/slow")).header("Host", tunnel.host())
                            .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            ModelNode inFlight = Poll.until(WAIT, "the slow request shown in flight",
                    () -> ServerGauges.tunnel(tunnel.key()).orElseThrow(), t -> t.get("activeStreams").asInt() == 1);
            assertTrue(inFlight.get("openChannels").asInt() >= 1, inFlight.toJSONString(true));
            ServerGauges.Snapshot during = ServerGauges.read();
            assertTrue(during.activeStreams() >= 1, during.toString());
            assertTrue(during.poolInUse() >= 1, "the pool's statistics are on and show the stream: " + during);

            releaseSlow.countDown();
            assertEquals("slow answer", slow.get(30, TimeUnit.SECONDS).body());
            Poll.until(WAIT, "the slow stream ended", () -> ServerGauges.tunnel(tunnel.key()).orElseThrow(),
                    t -> t.get("activeStreams").asInt() == 0 && t.get("streams").asLong() == 2);

            Signals.kill(tunnel.ssh().pid());
            Poll.until(WAIT, "the killed client's tunnel gone from the statistics",
                    () -> ServerGauges.tunnel(tunnel.key()), t -> t.isEmpty());
        } finally {
            releaseSlow.countDown();
        }
        ServerGauges.Snapshot after = ServerGauges.awaitBaseline(baseline);
        System.out.printf("gauges before: %s%ngauges after:  %s%n", baseline, after);
    }

    @Test
    void statisticsAreRuntimeMetricsOfTheConnectionDefinitionAsTheConsoleReadsThem() throws Exception {
        ModelNode extended = ManagementApi.result("read-resource-description", ServerGauges.EXTENDED)
                .get("attributes");
        Map<String, String> types = Map.of("SshConnections", "INT", "Tunnels", "INT", "OpenChannels", "INT",
                "ActiveStreams", "INT", "ChannelsOpened", "LONG", "Streams", "LONG", "BytesToServices", "LONG",
                "BytesFromServices", "LONG", "TunnelList", "STRING");
        types.forEach((name, type) -> {
            ModelNode attribute = extended.get(name);
            assertEquals("metric", attribute.get("access-type").asString(), name + ": " + attribute);
            assertEquals(type, attribute.get("type").asString(), name);
            assertTrue(attribute.get("description").asString().length() > 10, name + " is described");
        });

        ModelNode pool = ManagementApi.result("read-resource-description", ServerGauges.POOL).get("attributes");
        assertEquals("metric", pool.get("InUseCount", "access-type").asString());
        assertTrue(ServerGauges.poolStatistics().get("statistics-enabled").asBoolean(),
                "pool statistics are on, so InUseCount counts");
        String[] adapter = {"subsystem", "resource-adapters", "resource-adapter", "gangway"};
        assertEquals("${gangway.statistics-enabled:true}",
                ManagementApi.result("read-attribute", adapter, "name", "statistics-enabled").asString());
    }

    /**
     * {@code POST /download?size=N}: reads the request body, answers N bytes. {@code /slow}: answers only once the
     * test lets it.
     */
    private static void serve(HttpExchange exchange, CountDownLatch releaseSlow) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        if (path.equals("/slow")) {
            try {
                if (!releaseSlow.await(30, TimeUnit.SECONDS)) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] body = "slow answer".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            return;
        }
        long size = Long.parseLong(exchange.getRequestURI().getQuery().substring("size=".length()));
        exchange.sendResponseHeaders(200, size);
        try (OutputStream out = exchange.getResponseBody()) {
            BulkBody.writeTo(out, size);
        }
    }
}
