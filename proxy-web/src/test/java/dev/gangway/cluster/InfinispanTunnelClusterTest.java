package dev.gangway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.partitionhandling.PartitionHandling;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.infinispan.conflict.MergePolicy;
import org.jgroups.JChannel;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelInfo;

/**
 * The directory over two real clustered Infinispan caches in one JVM (replicated, the cluster profile's partition
 * handling), joined by JGroups' in-JVM transport: what one node files the other reads, the conditional writes decide
 * who holds a key, and a node that leaves takes its entries with it.
 */
class InfinispanTunnelClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String clusterName = "gangway-test-" + UUID.randomUUID();
    private final List<EmbeddedCacheManager> managers = new CopyOnWriteArrayList<>();
    private final List<ClusterViewWatch> watches = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void scheduler() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        watches.forEach(ClusterViewWatch::stop);
        managers.forEach(EmbeddedCacheManager::stop);
        scheduler.shutdownNow();
    }

    @Test
    void aClaimOnOneNodeIsReadOnTheOtherAndHoldsTheKey() throws Exception {
        InfinispanTunnelCluster a = node("node-a");
        InfinispanTunnelCluster b = node("node-b");
        await(() -> a.isMember("node-b") && b.isMember("node-a"), "both nodes in both views");
        assertEquals("node-a", a.localNode());

        ClusterTunnel onA = tunnel("web-abc", "node-a");
        assertEquals(Optional.empty(), a.claim(onA).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(Optional.of(onA), b.find("web-abc"), "a claim completes once every node has it");
        assertEquals(List.of(onA), List.copyOf(b.all()));

        ClusterTunnel onB = tunnel("web-abc", "node-b");
        assertEquals(Optional.of(onA), b.claim(onB).toCompletableFuture().get(5, TimeUnit.SECONDS),
                "a held key is not claimed again; the holder is told");
        assertEquals(Optional.of(onA), a.find("web-abc"));
    }

    @Test
    void takeOverReplacesExactlyTheHolderAndReleaseOnlyItsOwnEntry() throws Exception {
        InfinispanTunnelCluster a = node("node-a");
        InfinispanTunnelCluster b = node("node-b");
        await(() -> a.isMember("node-b"), "node-b in node-a's view");
        ClusterTunnel first = tunnel("web-abc", "node-a");
        a.claim(first).toCompletableFuture().get(5, TimeUnit.SECONDS);

        ClusterTunnel second = tunnel("web-abc", "node-b");
        assertTrue(b.takeOver(first, second).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(Optional.of(second), a.find("web-abc"));
        assertFalse(a.takeOver(first, tunnel("web-abc", "node-a")).toCompletableFuture().get(5, TimeUnit.SECONDS),
                "the key changed hands: a take-over from the old holder loses");

        a.release(first);
        Thread.sleep(200);
        assertEquals(Optional.of(second), b.find("web-abc"), "a stale release leaves the new holder's entry");
        b.release(second);
        await(() -> a.find("web-abc").isEmpty(), "the holder's release removes the entry everywhere");
        assertTrue(a.takeOver(second, first).toCompletableFuture().get(5, TimeUnit.SECONDS),
                "nobody holds the key: a take-over files it");
    }

    @Test
    void aTakeOverRacingTheHoldersReleaseWins() throws Exception {
        InfinispanTunnelCluster a = node("node-a");
        InfinispanTunnelCluster b = node("node-b");
        await(() -> a.isMember("node-b"), "node-b in node-a's view");
        for (int i = 0; i < 30; i++) {
            String key = "race-" + i;
            ClusterTunnel dead = tunnel(key, "node-a");
            a.claim(dead).toCompletableFuture().get(5, TimeUnit.SECONDS);
            ClusterTunnel taker = tunnel(key, "node-b");
            // As after a PROBE found the holder dead: its node releases the entry while this one takes it over.
            CompletableFuture<Boolean> takeOver = b.takeOver(dead, taker).toCompletableFuture();
            a.release(dead);
            assertTrue(takeOver.get(5, TimeUnit.SECONDS), "round " + i);
            assertEquals(Optional.of(taker), b.find(key), "round " + i);
            await(() -> a.find(key).equals(Optional.of(taker)), "round " + i + " replicated");
        }
    }

    @Test
    void aNodeThatLeavesTakesItsEntriesWithItAndTheAdapterIsTold() throws Exception {
        InfinispanTunnelCluster a = node("node-a");
        InfinispanTunnelCluster b = node("node-b");
        List<Boolean> told = new CopyOnWriteArrayList<>();
        b.addViewListener(told::add);
        await(() -> b.isMember("node-a"), "node-a in node-b's view");
        a.claim(tunnel("left-1", "node-a")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        a.claim(tunnel("left-2", "node-a")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        ClusterTunnel stays = tunnel("stays-1", "node-b");
        b.claim(stays).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(3, b.all().size());

        managers.get(0).stop();
        await(() -> !b.isMember("node-a"), "node-a out of node-b's view");
        await(() -> b.all().size() == 1, "node-a's entries removed");
        assertEquals(List.of(stays), List.copyOf(b.all()));
        await(() -> told.contains(false), "the adapter told of the view change");
    }

    @Test
    void peerAddressesAreReadEverywhereKeptOutOfTheTunnelsAndLeaveWithTheirNode() throws Exception {
        InfinispanTunnelCluster a = node("node-a");
        InfinispanTunnelCluster b = node("node-b");
        await(() -> b.isMember("node-a"), "node-a in node-b's view");
        a.publishPeerAddress("10.0.0.1:7650").toCompletableFuture().get(5, TimeUnit.SECONDS);
        b.publishPeerAddress("10.0.0.2:7650").toCompletableFuture().get(5, TimeUnit.SECONDS);
        ClusterTunnel tunnel = tunnel("app-1", "node-a");
        a.claim(tunnel).toCompletableFuture().get(5, TimeUnit.SECONDS);

        Map<String, String> both = Map.of("node-a", "10.0.0.1:7650", "node-b", "10.0.0.2:7650");
        await(() -> both.equals(b.peerAddresses()) && both.equals(a.peerAddresses()), "both addresses on both nodes");
        assertEquals(List.of(tunnel), List.copyOf(b.all()), "addresses are not tunnels");
        assertEquals(Optional.empty(), b.find(InfinispanTunnelCluster.PEER_ADDRESS_KEY_PREFIX + "node-a"));

        // Publishing the same address again writes nothing; a new one replaces it.
        a.publishPeerAddress("10.0.0.1:7650").toCompletableFuture().get(5, TimeUnit.SECONDS);
        b.publishPeerAddress("10.0.0.2:7651").toCompletableFuture().get(5, TimeUnit.SECONDS);
        await(() -> "10.0.0.2:7651".equals(a.peerAddresses().get("node-b")), "node-b's new address on node-a");

        b.withdrawPeerAddress();
        await(() -> !a.peerAddresses().containsKey("node-b"), "node-b's address withdrawn");

        managers.get(0).stop();
        await(() -> !b.isMember("node-a"), "node-a out of node-b's view");
        await(() -> b.peerAddresses().isEmpty() && b.all().isEmpty(), "node-a's address and tunnel removed with it: "
                + b.peerAddresses());
    }

    @Test
    void theSweepAtRegistrationRemovesEntriesOfNodesNotInTheView() throws Exception {
        InfinispanTunnelCluster b = node("node-b");
        // An entry left by a node that is gone (it crashed while no node had the WAR deployed, say).
        b.claim(tunnel("orphan-1", "node-x")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        ClusterTunnel own = tunnel("own-1", "node-b");
        b.claim(own).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(2, b.all().size());
        // The WAR deployed again on this node: its registration sweeps.
        watch(b);
        await(() -> b.all().size() == 1, "the orphan removed");
        assertEquals(List.of(own), List.copyOf(b.all()));
    }

    private InfinispanTunnelCluster node(String name) throws Exception {
        JChannel channel = new JChannel(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(), new NAKACK2(),
                new UNICAST3(), new STABLE(), new GMS().setJoinTimeout(1000), new FRAG2()).name(name);
        GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
        global.transport().transport(new JGroupsTransport(channel)).clusterName(clusterName).nodeName(name);
        global.cacheContainer().statistics(false);
        ConfigurationBuilder cache = new ConfigurationBuilder();
        // What configure-cluster.cli gives the tunnels cache.
        cache.clustering().cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(MergePolicy.PREFERRED_NON_NULL);
        EmbeddedCacheManager manager = new DefaultCacheManager(global.build(), false);
        manager.defineConfiguration("tunnels", cache.build());
        manager.start();
        managers.add(manager);
        Cache<String, String> tunnels = manager.getCache("tunnels");
        InfinispanTunnelCluster cluster = new InfinispanTunnelCluster(tunnels);
        watch(cluster);
        return cluster;
    }

    /** As ClusterRegistration does: the view watch that keeps the members and the entries current. */
    private void watch(InfinispanTunnelCluster cluster) {
        ClusterViewWatch watch = new ClusterViewWatch(cluster, scheduler);
        watch.start();
        watches.add(watch);
    }

    private static ClusterTunnel tunnel(String key, String node) {
        TunnelInfo info = new TunnelInfo(key, "abc", "env", "/" + key, TunnelAccess.PUBLIC, null, null,
                "http://" + key + ".localhost:8080/", Instant.parse("2026-12-01T04:00:00Z"), "SHA256:x", null,
                "ssh-ed25519 AAAA");
        return new ClusterTunnel(info, node, "127.0.0.1:7700");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
