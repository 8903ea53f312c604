package dev.gangway.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.CurlRun;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.ServerGauges;
import dev.gangway.it.support.Signals;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.Visitor;
import dev.gangway.it.support.WebSocketBackend;
import dev.gangway.it.support.WebSocketVisitor;
import dev.gangway.proxy.access.PreevyKey;

/**
 * Gangway as a WildFly cluster on loopback: two nodes (three in one test) started from the provisioned server with
 * the cluster profile, real {@code /usr/bin/ssh} clients attached to different nodes, visitors' requests and
 * WebSockets sent to every node. One cluster serves every test, in order: the tests that take nodes down come last
 * (graceful shutdown of the third node, a node with another cluster key in its place, then {@code kill -9} of
 * node 1). Run by failsafe's cluster-it execution (proxy-ear/pom.xml), apart from the single-node suite's server.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
    /** The issue's bound: a killed holder's tunnel answers again within this, failure detection included. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

    private static GangwayCluster cluster;
    private static ClusterNode node1;
    private static ClusterNode node2;
    private static ClusterNode node3;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        cluster = new GangwayCluster(ClusterSettings.fromSystemProperties(), 3);
        node1 = cluster.node(1);
        node2 = cluster.node(2);
        node3 = cluster.node(3);
        // Node 1 first: it creates the shared host key, identity key and database that node 2 then reads.
        cluster.start(node1);
        cluster.start(node2);
        cluster.awaitView(Duration.ofSeconds(60), node1, node2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aTunnelHeldOnOneNodeServesRequestsOnEveryNode() throws Exception {
        try (Backend backend = Backend.start();
             OpenSshTunnel tunnel = open(node1, "web", backend.port())) {
            for (ClusterNode node : List.of(node1, node2)) {
                HttpResponse<String> response = cluster.get(node, tunnel.key(), "/from/" + node.name() + "?q=1");
                assertEquals(200, response.statusCode(), node + ": " + response.body());
                Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
                assertNotNull(seen, node + ": the request must reach the service");
                assertEquals("/from/" + node.name() + "?q=1", seen.uri());
                assertEquals(cluster.tunnelHost(tunnel.key()), seen.header("Host"), "Host unchanged via " + node);
            }
        }
    }

    /**
     * Keep-alive visits through a node that does not hold the tunnel reuse its pooled stream to the holder: an answer
     * that comes back before the web tier reads (big responses did, in the benchmark) belongs to the exchange, it
     * does not end the stream. GETs and POSTs alternate; every body arrives whole.
     */
    @Test
    @Order(2)
    void keepAliveVisitsThroughAnotherNodeReuseOneStreamToTheHolder() throws Exception {
        byte[] body = new byte[256 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i % 251);
        }
        try (Backend backend = Backend.start(exchange -> {
                 exchange.getRequestBody().readAllBytes();
                 exchange.sendResponseHeaders(200, body.length);
                 try (var out = exchange.getResponseBody()) {
                     out.write(body);
                 }
             });
             OpenSshTunnel tunnel = open(node1, "reuse", backend.port())) {
            awaitStatus(node2, tunnel.key(), 200);
            long before = channelsOpened(node2);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 20; i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(
                                URI.create("http://localhost:" + node2.httpPort() + "/visit/" + i))
                        .header("Host", cluster.tunnelHost(tunnel.key()));
                if (i % 2 == 1) {
                    request.POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000)));
                }
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode(), "visit " + i);
                assertTrue(java.util.Arrays.equals(body, response.body()), "visit " + i + ": the body arrives whole");
            }
            long opened = channelsOpened(node2) - before;
            System.out.printf("ClusterIT: 20 keep-alive visits through node2 opened %d stream(s) to node1%n", opened);
            assertTrue(opened <= 1, "20 keep-alive visits through node2 opened " + opened + " streams to node1: the "
                    + "pooled stream must be reused");
        }
    }

    private static long channelsOpened(ClusterNode node) throws Exception {
        return ManagementApi.resultOn(node.managementPort(), "read-attribute", ServerGauges.EXTENDED, "name",
                "ChannelsOpened").asLong();
    }

    @Test
    @Order(3)
    void aWebSocketToEveryNodeReachesATunnelHeldOnOne() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = open(node2, "chat", backend.port())) {
            for (ClusterNode node : List.of(node1, node2)) {
                try (WebSocketVisitor ws = WebSocketVisitor.connect(
                        URI.create("ws://localhost:" + node.httpPort() + "/chat"), cluster.tunnelHost(tunnel.key()))) {
                    ws.sendText("hello via " + node.name(), true);
                    assertEquals("hello via " + node.name(), ws.awaitText(SSH_TIMEOUT));
                    byte[] bytes = new byte[200_000];
                    new java.util.Random(7).nextBytes(bytes);
                    ws.sendBinary(bytes, true);
                    assertTrue(java.util.Arrays.equals(bytes, ws.awaitBinary(SSH_TIMEOUT)), "binary via " + node);
                }
            }
            // The closed WebSockets leave no stream behind, on the holder nor on the node that forwarded one.
            for (ClusterNode node : List.of(node1, node2)) {
                awaitGauges(node, "ActiveStreams", 0, "InUseCount", 0);
            }
        }
    }

    @Test
    @Order(4)
    void tunnelUrlAndTheProfileApiAnswerTheSameOnEveryNode() throws Exception {
        try (Backend backend = Backend.start();
             SshKeyPair key = SshKeyPair.ed25519()) {
            PreevyKey owner = PreevyKey.load(key.privateKey(), "ed25519");
            try (OpenSshTunnel tunnel = OpenSshTunnel.open(key, "api", "#access=private", backend.port(),
                    List.of("-p", Integer.toString(node1.sshPort())))) {
                String url1 = tunnelUrl(key, node1, "api");
                String url2 = tunnelUrl(key, node2, "api");
                assertEquals(url1, url2, "tunnel-url on node 1 and node 2");

                String path = "/profiles/" + owner.thumbprintUri() + "/tunnels";
                String first = null;
                for (ClusterNode node : List.of(node1, node2)) {
                    CurlRun.Result listed = CurlRun.run("-s", "-u", "x-preevy-profile-key:" + owner.jwt(),
                            "-H", "Host: " + URI.create(cluster.settings().baseUrl()).getAuthority(),
                            "http://localhost:" + node.httpPort() + path);
                    ModelNode tunnels = ModelNode.fromJSONString(listed.stdout());
                    assertEquals(1, tunnels.asList().size(), node + ": " + listed.describe());
                    assertEquals(tunnel.key() + ".localhost", tunnels.get(0).get("hostname").asString());
                    if (first == null) {
                        first = listed.stdout();
                    } else {
                        assertEquals(first, listed.stdout(), "the profile API on node 1 and node 2");
                    }
                }
            }
        }
    }

    @Test
    @Order(5)
    void aNameHeldOnOneNodeIsRefusedOnAnotherWhileAliveAndTakenOverWhenDead() throws Exception {
        try (Backend backend = Backend.start();
             SshKeyPair key = SshKeyPair.ed25519()) {
            OpenSshTunnel holder = OpenSshTunnel.open(key, "dup", "", backend.port(),
                    List.of("-p", Integer.toString(node1.sshPort())));
            try {
                SshRun.Result refused = SshRun.run(key, "dup-env", List.of("-p", Integer.toString(node2.sshPort()),
                        "-R", "/dup:localhost:" + backend.port()), SSH_TIMEOUT, "hello");
                assertNotEquals(0, refused.exitStatus(), "a live holder on node 1 keeps the name: "
                        + refused.describe());

                // The holder's client freezes (a laptop lid closed): node 1's liveness probe, asked by node 2 through
                // the node-to-node port, finds it dead, and node 2 takes the name over.
                try (Signals.Frozen frozen = Signals.stop(holder.ssh().pid());
                     OpenSshTunnel taker = OpenSshTunnel.open(key, "dup", "", backend.port(),
                             List.of("-p", Integer.toString(node2.sshPort()), "-o", "ExitOnForwardFailure=yes"))) {
                    assertEquals(holder.key(), taker.key());
                    for (ClusterNode node : List.of(node1, node2)) {
                        HttpResponse<String> response = cluster.get(node, taker.key(), "/after-takeover");
                        assertEquals(200, response.statusCode(), node + ": " + response.body());
                        assertNotNull(backend.awaitRequest(5, TimeUnit.SECONDS));
                    }
                }
            } finally {
                holder.ssh().kill();
            }
        }
    }

    @Test
    @Order(6)
    void aPartitionKeepsEachSideServingItsOwnTunnelsAndTheHealLeavesNoStaleEntry() throws Exception {
        try (Backend backend = Backend.start();
             OpenSshTunnel onNode1 = open(node1, "left", backend.port());
             OpenSshTunnel onNode2 = open(node2, "right", backend.port())) {
            OpenSshTunnel closedDuringSplit = open(node2, "gone", backend.port());
            String goneKey = closedDuringSplit.key();
            assertEquals(200, cluster.get(node1, goneKey, "/").statusCode());

            cluster.partition();
            Instant cut = Instant.now();
            cluster.awaitView(Duration.ofSeconds(30), node1);
            cluster.awaitView(Duration.ofSeconds(30), node2);
            System.out.printf("ClusterIT: partition seen by both nodes %d ms after the cut%n",
                    Duration.between(cut, Instant.now()).toMillis());
            // Each side serves the tunnels its own nodes hold, and no longer routes to the other side's.
            awaitStatus(node1, onNode1.key(), 200);
            awaitStatus(node2, onNode2.key(), 200);
            awaitStatus(node1, onNode2.key(), 502);
            awaitStatus(node2, onNode1.key(), 502);
            // A tunnel ends on node 2 while node 1 cannot see it.
            closedDuringSplit.close();
            awaitStatus(node2, goneKey, 502);

            cluster.heal();
            Instant healed = Instant.now();
            cluster.awaitView(Duration.ofSeconds(60), node1, node2);
            System.out.printf("ClusterIT: merged view %d ms after the heal%n",
                    Duration.between(healed, Instant.now()).toMillis());
            for (ClusterNode node : List.of(node1, node2)) {
                awaitStatus(node, onNode1.key(), 200);
                awaitStatus(node, onNode2.key(), 200);
                awaitStatus(node, goneKey, 502);
            }
            // And it stays so: nothing resurrects the ended tunnel once the merge has settled.
            Thread.sleep(3_000);
            for (ClusterNode node : List.of(node1, node2)) {
                assertEquals(502, cluster.get(node, goneKey, "/").statusCode(), node + ": stale entry after heal");
            }
        }
    }

    @Test
    @Order(7)
    void threeNodesServeATunnelHeldOnAnyOfThem() throws Exception {
        cluster.start(node3);
        cluster.awaitView(Duration.ofSeconds(60), node1, node2, node3);
        try (Backend backend = Backend.start();
             WebSocketBackend wsBackend = WebSocketBackend.start();
             OpenSshTunnel onNode3 = open(node3, "three", backend.port());
             OpenSshTunnel wsOnNode1 = open(node1, "three-ws", wsBackend.port())) {
            for (ClusterNode node : cluster.nodes()) {
                HttpResponse<String> response = cluster.get(node, onNode3.key(), "/three/" + node.name());
                assertEquals(200, response.statusCode(), node + ": " + response.body());
                assertEquals("/three/" + node.name(), backend.awaitRequest(5, TimeUnit.SECONDS).uri());
                try (WebSocketVisitor ws = WebSocketVisitor.connect(
                        URI.create("ws://localhost:" + node.httpPort() + "/ws"), cluster.tunnelHost(wsOnNode1.key()))) {
                    ws.sendText("three " + node.name(), true);
                    assertEquals("three " + node.name(), ws.awaitText(SSH_TIMEOUT));
                }
            }
        }
    }

    @Test
    @Order(8)
    void aGracefulShutdownMovesItsClientsAtOnce() throws Exception {
        ServerGauges.Snapshot node1Before = ServerGauges.readOn(node1.managementPort());
        ServerGauges.Snapshot node2Before = ServerGauges.readOn(node2.managementPort());
        try (Backend backend = Backend.start();
             ReconnectingClient client = ReconnectingClient.start(SshKeyPair.ed25519(), "moving", backend.port(),
                     List.of(node3, node1))) {
            ReconnectingClient.Held first = client.awaitHeld(Duration.ofSeconds(30));
            assertEquals(node3, first.node());
            awaitStatus(node2, client.tunnelKey(), 200);

            Instant shutdown = Instant.now();
            node3.shutdown();
            Instant down = Instant.now();
            ReconnectingClient.Held moved = client.awaitHeld(FAILOVER_BOUND);
            assertEquals(node1, moved.node());
            assertSameHello(client, first, moved);
            awaitStatus(node2, client.tunnelKey(), 200);
            System.out.printf("ClusterIT: graceful shutdown of node3 took %d ms; the client held its tunnel on node1 "
                            + "%d ms after the shutdown began, serving on node2 %d ms after it began%n",
                    Duration.between(shutdown, down).toMillis(), Duration.between(shutdown, moved.at()).toMillis(),
                    Duration.between(shutdown, Instant.now()).toMillis());
            cluster.awaitView(Duration.ofSeconds(30), node1, node2);
        }
        awaitThreadsBack(node1, node1Before);
        awaitThreadsBack(node2, node2Before);
    }

    @Test
    @Order(9)
    void aNodeWithAnotherClusterKeyCannotJoin() throws Exception {
        // Same cluster name, host list and secret (AUTH would let it in), but its own AES key: every message of its
        // that reaches GMS is encrypted with a key the members do not have. It takes the place node 3 left.
        Path otherKey = cluster.settings().workDir().resolve("other-cluster-key.p12");
        GangwayCluster.createClusterKey(otherKey, cluster.settings().secret());
        ClusterNode intruder = new ClusterNode("intruder", node3Offset(), cluster.settings().workDir().resolve("intruder"),
                cluster.settings(), List.of("-Dgangway.cluster.key-store-file=" + otherKey));
        try {
            intruder.start(cluster.nodes());
            intruder.awaitDeployed();
            // Its join went unanswered, so it formed a cluster of its own; MERGE3 finds the members (discovery is below
            // the encryption) every 2-6 s, and each merge attempt is dropped the same way.
            // Several MERGE3 rounds (2-6 s each) to try; the views below are what must hold. Whether node1 has
            // logged a rejected message by then depends on timing (a CI run saw none within 30 s), so it is only told.
            Thread.sleep(20_000);
            System.out.printf("ClusterIT: node1 logged rejected decryptions of the intruder's messages: %s%n",
                    Files.readString(node1.log()).contains("rejected decryption"));
            assertEquals(List.of("intruder"), intruder.view(), "the intruder's view");
            assertEquals(List.of("node1", "node2"), node1.view().stream().sorted().toList(), "node1's view");
            assertEquals(List.of("node1", "node2"), node2.view().stream().sorted().toList(), "node2's view");
        } finally {
            intruder.kill();
        }
        cluster.awaitView(Duration.ofSeconds(30), node1, node2);
    }

    @Test
    @Order(10)
    void aKilledHoldersTunnelAnswersAgainWithinThirtySeconds() throws Exception {
        ServerGauges.Snapshot node2Before = ServerGauges.readOn(node2.managementPort());
        try (Backend backend = Backend.start();
             ReconnectingClient client = ReconnectingClient.start(SshKeyPair.ed25519(), "survivor", backend.port(),
                     List.of(node1, node2))) {
            ReconnectingClient.Held first = client.awaitHeld(Duration.ofSeconds(30));
            assertEquals(node1, first.node());
            awaitStatus(node2, client.tunnelKey(), 200);

            Instant killed = Instant.now();
            node1.kill();
            Duration failover = Poll.until(FAILOVER_BOUND, Duration.ofMillis(100),
                    "the tunnel to answer on node2 after kill -9 of node1",
                    () -> statusOf(node2, client.tunnelKey()) == 200
                            ? Duration.between(killed, Instant.now()) : null,
                    elapsed -> elapsed != null);
            ReconnectingClient.Held moved = client.awaitHeld(Duration.ofSeconds(1));
            assertEquals(node2, moved.node());
            assertSameHello(client, first, moved);
            System.out.printf("ClusterIT: kill -9 of node1 -> client reconnected to node2 after %d ms, tunnel "
                            + "answering on node2 after %d ms (bound %d s)%n",
                    Duration.between(killed, moved.at()).toMillis(), failover.toMillis(),
                    FAILOVER_BOUND.toSeconds());
            cluster.awaitView(Duration.ofSeconds(30), node2);
            assertEquals(200, cluster.get(node2, client.tunnelKey(), "/after-kill").statusCode());
        }
        // Every client gone: the survivor holds no connection, tunnel, stream or pooled connection in use, and its
        // directory has forgotten the killed node's tunnels (Tunnels counts every node's).
        awaitGauges(node2, "SshConnections", 0, "Tunnels", 0, "ActiveStreams", 0, "InUseCount", 0);
        awaitThreadsBack(node2, node2Before);
    }

    /**
     * The same key's client, moved to another node, is told the same: one client id, base URL and tunnel URL (a URL
     * names the base URL, the load balancer's, never the node that answered).
     */
    private static void assertSameHello(ReconnectingClient client, ReconnectingClient.Held first,
                                        ReconnectingClient.Held moved) {
        ModelNode before = ModelNode.fromJSONString(first.hello());
        ModelNode after = ModelNode.fromJSONString(moved.hello());
        String url = before.get("tunnels", client.request()).asString();
        assertTrue(url.startsWith("http://" + cluster.tunnelHost(client.tunnelKey())),
                "hello on " + first.node() + " names the tunnel's URL on the base host: " + first.hello());
        assertEquals(before, after, "hello on " + first.node() + " and on " + moved.node());
    }

    /**
     * After a node has gone, a survivor's gauges and threads come back to what they were before (ServerGauges'
     * rules: no more connections, tunnels, channels, streams or pooled connections in use; the SSH server's threads
     * within its fixed pools; other threads within a few of the baseline, the server's elastic pools aside).
     */
    private static void awaitThreadsBack(ClusterNode node, ServerGauges.Snapshot baseline) throws Exception {
        // 30 s: pooled remote streams to the node that went close by themselves (the view change closes them, and
        // an idle one watches its socket), so OpenChannels need not wait for the pool's idle remover (up to two
        // minutes; before streams watched, a CI run saw 4 against 3 after 60 s).
        ServerGauges.Snapshot now = ServerGauges.awaitBaselineOn(node.managementPort(), baseline,
                Duration.ofSeconds(30));
        System.out.printf("ClusterIT: %s threads: before live %d (other %d, SSH server %d), after live %d (other %d, "
                        + "SSH server %d)%n", node.name(), baseline.liveThreads(), baseline.otherThreads(),
                baseline.ownThreads(), now.liveThreads(), now.otherThreads(), now.ownThreads());
    }

    private static int node3Offset() {
        return node3.httpPort() - 8080;
    }

    /**
     * Waits until each named gauge of {@code node} reads its value: Gangway's {@code statistics=extended} and the
     * pool's {@code InUseCount}, as in {@link ServerGauges}.
     */
    private static void awaitGauges(ClusterNode node, Object... namesAndValues) throws Exception {
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(250), node + " gauges " + List.of(namesAndValues),
                () -> {
                    ModelNode extended = ManagementApi.resultOn(node.managementPort(), "read-resource",
                            ServerGauges.EXTENDED, "include-runtime", true);
                    ModelNode pool = ManagementApi.resultOn(node.managementPort(), "read-resource",
                            ServerGauges.POOL, "include-runtime", true);
                    StringBuilder mismatches = new StringBuilder();
                    for (int i = 0; i < namesAndValues.length; i += 2) {
                        String name = (String) namesAndValues[i];
                        int value = (pool.has(name) ? pool : extended).get(name).asInt();
                        if (value != (Integer) namesAndValues[i + 1]) {
                            mismatches.append(name).append('=').append(value).append(' ');
                        }
                    }
                    return mismatches.toString();
                }, String::isEmpty);
    }

    private static OpenSshTunnel open(ClusterNode node, String name, int backendPort) throws Exception {
        return OpenSshTunnel.open(name, "", backendPort, List.of("-p", Integer.toString(node.sshPort())));
    }

    private static String tunnelUrl(SshKeyPair key, ClusterNode node, String name) throws Exception {
        SshRun.Result result = SshRun.run(key, "url-env", List.of("-p", Integer.toString(node.sshPort())),
                SSH_TIMEOUT, "tunnel-url", name);
        assertEquals(0, result.exitStatus(), result.describe());
        return result.stdout().trim();
    }

    private static int statusOf(ClusterNode node, String tunnelKey) {
        try {
            return cluster.get(node, tunnelKey, "/probe").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void awaitStatus(ClusterNode node, String tunnelKey, int status) throws Exception {
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(200), node + " answering " + status + " for " + tunnelKey,
                () -> statusOf(node, tunnelKey), s -> s == status);
    }
}
