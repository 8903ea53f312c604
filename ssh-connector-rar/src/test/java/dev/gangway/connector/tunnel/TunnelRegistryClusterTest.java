package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.tunnel.FakeOwner.Probe;
import dev.gangway.connector.tunnel.InMemoryTunnelCluster.Writes;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's cluster rules (issue #5), decided against the in-memory cluster fixture with peers whose answers the
 * test sets: a key is installed only once filed; another node's live holder keeps it, a dead or absent one loses it;
 * a holder outside the view is not even asked; a directory that fails or never answers refuses the forward in time;
 * merges release stale entries and decide conflicts by the rule.
 */
class TunnelRegistryClusterTest {

    private static final String CLIENT = "whrjjrqx";
    private static final String KEY = "my-app-" + CLIENT;
    private static final Duration TAKEOVER = Duration.ofMillis(500);

    private final InMemoryTunnelCluster cluster = new InMemoryTunnelCluster();
    private final InMemoryTunnelCluster.Node nodeA = cluster.join("node-a");
    private final TunnelRegistry registry = new TunnelRegistry(URI.create("http://localhost:8080"), TAKEOVER);
    private final Peers peers = new Peers();

    @Test
    void aNewKeyIsFiledThenInstalledAndReleasedWhenItCloses() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "10.0.0.1:7700", peers));
        FakeOwner owner = owner("env", Probe.ALIVE);

        Tunnel tunnel = register(owner, "/my-app");

        ClusterTunnel entry = cluster.entries().get(KEY);
        assertEquals("node-a", entry.node());
        assertEquals("10.0.0.1:7700", entry.peerAddress());
        assertSame(tunnel.info(), entry.info());
        assertSame(tunnel, registry.find(KEY).orElseThrow());

        assertTrue(registry.unregister(owner, TunnelRequest.streamLocal("/my-app")));
        assertEquals(Map.of(), cluster.entries());
    }

    @Test
    void aKeyHeldAliveOnAnotherNodeIsRefused() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.addMember("node-b");
        ClusterTunnel holder = entry("node-b", Instant.now());
        cluster.put(holder);
        peers.answer = CompletableFuture.completedFuture(HolderState.ALIVE);

        TunnelRefusedException refused = refusal(registry.register(owner("env", Probe.ALIVE),
                TunnelRequest.streamLocal("/my-app")));

        assertTrue(refused.getMessage().contains("still alive") && refused.getMessage().contains("node-b"),
                refused.getMessage());
        assertEquals(List.of(holder), peers.probed);
        assertSame(holder, cluster.entries().get(KEY));
    }

    @Test
    void aKeyWhoseHolderIsDeadOrGoneOnAnotherNodeIsTakenOver() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.addMember("node-b");
        for (HolderState state : List.of(HolderState.DEAD, HolderState.NONE)) {
            cluster.put(entry("node-b", Instant.now()));
            peers.answer = CompletableFuture.completedFuture(state);
            FakeOwner owner = owner("env", Probe.ALIVE);

            Tunnel taken = register(owner, "/my-app");

            assertEquals("node-a", cluster.entries().get(KEY).node(), state.name());
            assertSame(taken.info(), cluster.entries().get(KEY).info());
            owner.disconnect();
            assertEquals(Map.of(), cluster.entries(), "released when its connection closed");
        }
    }

    @Test
    void aHolderOutsideTheViewIsTakenOverWithoutAsking() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.put(entry("crashed-node", Instant.now()));

        register(owner("env", Probe.ALIVE), "/my-app");

        assertEquals("node-a", cluster.entries().get(KEY).node());
        assertEquals(List.of(), peers.probed);
    }

    @Test
    void aHolderThatCannotBeAskedKeepsTheKey() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.addMember("node-b");
        ClusterTunnel holder = entry("node-b", Instant.now());
        cluster.put(holder);
        peers.answer = CompletableFuture.failedFuture(new java.io.IOException("connection refused"));

        TunnelRefusedException refused = refusal(registry.register(owner("env", Probe.ALIVE),
                TunnelRequest.streamLocal("/my-app")));

        assertTrue(refused.getMessage().contains("could not be asked"), refused.getMessage());
        assertSame(holder, cluster.entries().get(KEY));
    }

    @Test
    void aHolderThatNeverAnswersIsRefusedInBoundedTime() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.addMember("node-b");
        cluster.put(entry("node-b", Instant.now()));
        peers.answer = new CompletableFuture<>();

        long start = System.nanoTime();
        refusal(registry.register(owner("env", Probe.ALIVE), TunnelRequest.streamLocal("/my-app")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(millis < 4 * TAKEOVER.toMillis(), "took " + millis + " ms");
    }

    @Test
    void aDirectoryThatFailsOrNeverAnswersRefusesTheForwardAndTheNextClaimGoesOn() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        FakeOwner owner = owner("env", Probe.ALIVE);

        cluster.writes(Writes.FAIL);
        TunnelRefusedException failed = refusal(registry.register(owner, TunnelRequest.streamLocal("/my-app")));
        assertTrue(failed.getMessage().contains("cluster"), failed.getMessage());

        cluster.writes(Writes.STALL);
        refusal(registry.register(owner, TunnelRequest.streamLocal("/my-app")));

        cluster.writes(Writes.WORK);
        register(owner, "/my-app");
        assertEquals("node-a", cluster.entries().get(KEY).node());
    }

    @Test
    void aWriteThatSucceedsAfterItsClaimWasRefusedIsUndone() throws Exception {
        CompletableFuture<java.util.Optional<ClusterTunnel>> late = new CompletableFuture<>();
        SlowNode slow = new SlowNode(nodeA, late);
        registry.useCluster(new ClusterLink(slow, "a:1", peers));

        refusal(registry.register(owner("env", Probe.ALIVE), TunnelRequest.streamLocal("/my-app")));
        ClusterTunnel filedLate = slow.claimed;
        cluster.put(filedLate);
        late.complete(java.util.Optional.empty());

        assertEquals(Map.of(), cluster.entries(), "the late entry names no connection and must go");
    }

    @Test
    void findAndAllAnswerWithOtherNodesTunnelsInTheView() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.addMember("node-b");
        ClusterTunnel remote = entry("node-b", Instant.now());
        cluster.put(remote);
        cluster.put(new ClusterTunnel(info("gone-" + CLIENT, Instant.now()), "left-node", "c:1"));
        Tunnel local = register(owner("env", Probe.ALIVE), "/local");

        Tunnel found = registry.find(KEY.toUpperCase()).orElseThrow();
        assertSame(remote.info(), found.info());
        assertSame(found, registry.find(KEY).orElseThrow(), "the same remote tunnel while its entry stands");
        assertTrue(registry.find("gone-" + CLIENT).isEmpty(), "a node outside the view serves nothing");
        assertEquals(2, registry.all().size());
        assertTrue(registry.all().contains(local));
        assertTrue(registry.findLocal(KEY).isEmpty());
    }

    @Test
    void filingTheClusterFilesTunnelsHeldAlreadyAndClearingReleasesThem() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        register(owner, "/my-app");

        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        await(() -> cluster.entries().containsKey(KEY));

        assertTrue(registry.clearCluster(nodeA));
        assertEquals(Map.of(), cluster.entries());
        assertTrue(registry.find(KEY).isPresent(), "still held here");
        assertFalse(registry.clearCluster(nodeA), "only the registered one is cleared");
    }

    @Test
    void joiningReleasesEntriesOfAnEarlierLifeOfThisNode() throws Exception {
        // A node restarted under the same name before the others saw it go: its old entries are still filed.
        ClusterTunnel earlier = new ClusterTunnel(info("stale-" + CLIENT, Instant.now()), "node-a", "a:1");
        cluster.put(earlier);
        ClusterTunnel otherNodes = new ClusterTunnel(info("other-" + CLIENT, Instant.now()), "node-b", "b:1");
        cluster.put(otherNodes);

        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));

        assertFalse(cluster.entries().containsKey("stale-" + CLIENT));
        assertEquals(otherNodes, cluster.entries().get("other-" + CLIENT), "another node's entry is not this node's to release");
    }

    @Test
    void aMergeReleasesStaleEntriesOfThisNodeAndKeepsHeldOnes() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        FakeOwner owner = owner("env", Probe.ALIVE);
        register(owner, "/my-app");
        ClusterTunnel stale = new ClusterTunnel(info("stale-" + CLIENT, Instant.now()), "node-a", "a:1");
        cluster.put(stale);

        registry.reassert();

        assertFalse(cluster.entries().containsKey("stale-" + CLIENT));
        assertEquals("node-a", cluster.entries().get(KEY).node());
    }

    @Test
    void aMergeConflictGoesToTheConnectionOpenedFirst() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        cluster.addMember("node-b");
        peers.answer = CompletableFuture.completedFuture(HolderState.ALIVE);

        // Held here first: this node keeps it and tells the other to yield.
        FakeOwner first = owner("env", Probe.ALIVE);
        register(first, "/my-app");
        ClusterTunnel later = entry("node-b", Instant.now().plusSeconds(5));
        cluster.put(later);
        registry.reassert();
        await(() -> "node-a".equals(cluster.entries().get(KEY).node()));
        await(() -> !peers.yielded.isEmpty());
        assertEquals(later, peers.yielded.get(0));
        assertTrue(first.isOpen());

        // Opened first on the other node: this node's connection gives the key up.
        cluster.put(entry("node-b", Instant.now().minusSeconds(60)));
        registry.reassert();
        await(() -> !first.isOpen());
        assertTrue(first.closeReasons.get(0).contains("node-b"), first.closeReasons.get(0));
        assertEquals("node-b", cluster.entries().get(KEY).node());
    }

    @Test
    void theRuleBreaksATieByNodeName() {
        Instant at = Instant.now();
        ClusterTunnel a = new ClusterTunnel(info(KEY, at), "node-a", "a:1");
        ClusterTunnel b = new ClusterTunnel(info(KEY, at), "node-b", "b:1");
        assertTrue(ClusterFiling.keeps(a, b));
        assertFalse(ClusterFiling.keeps(b, a));
        ClusterTunnel older = new ClusterTunnel(info(KEY, at.minusMillis(1)), "node-z", "z:1");
        assertTrue(ClusterFiling.keeps(older, a));
    }

    @Test
    void probeLocalClosesADeadHolderAndYieldFollowsTheRule() throws Exception {
        registry.useCluster(new ClusterLink(nodeA, "a:1", peers));
        assertEquals(HolderState.NONE, registry.probeLocal(KEY, "node-b").toCompletableFuture().get());
        FakeOwner alive = owner("alive", Probe.ALIVE);
        register(alive, "/my-app");
        assertEquals(HolderState.ALIVE, registry.probeLocal(KEY, "node-b").toCompletableFuture().get());

        Instant opened = registry.findLocal(KEY).orElseThrow().info().openedAt();
        assertFalse(registry.yieldLocal(KEY, "node-b", opened.plusMillis(1)), "a later winner is no winner");
        assertTrue(alive.isOpen());

        alive.setProbe(Probe.DEAD);
        assertEquals(HolderState.DEAD, registry.probeLocal(KEY, "node-b").toCompletableFuture().get());
        assertFalse(alive.isOpen());
        assertTrue(registry.findLocal(KEY).isEmpty());

        FakeOwner next = owner("next", Probe.ALIVE);
        register(next, "/my-app");
        assertTrue(registry.yieldLocal(KEY, "node-b", Instant.EPOCH));
        assertFalse(next.isOpen());
    }

    private FakeOwner owner(String env, Probe probe) {
        return new FakeOwner(registry, CLIENT, env, probe);
    }

    private Tunnel register(FakeOwner owner, String path) throws Exception {
        return registry.register(owner, TunnelRequest.streamLocal(path)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static TunnelRefusedException refusal(CompletionStage<Tunnel> claim) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> claim.toCompletableFuture().get(10, TimeUnit.SECONDS));
        return assertInstanceOf(TunnelRefusedException.class, e.getCause());
    }

    private static ClusterTunnel entry(String node, Instant openedAt) {
        return new ClusterTunnel(info(KEY, openedAt), node, node + ":7700");
    }

    private static TunnelInfo info(String key, Instant openedAt) {
        return new TunnelInfo(key, CLIENT, "env", "/my-app", TunnelAccess.PUBLIC, null, null,
                "http://" + key + ".localhost:8080/", openedAt, "SHA256:x", null, "ssh-ed25519 AAAA");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
            Thread.sleep(10);
        }
    }

    /** Peers whose answers the test sets; records what it was asked. */
    private static final class Peers implements ClusterPeers {
        volatile CompletionStage<HolderState> answer = new CompletableFuture<>();
        final List<ClusterTunnel> probed = new CopyOnWriteArrayList<>();
        final List<ClusterTunnel> yielded = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<HolderState> probe(ClusterTunnel holder) {
            probed.add(holder);
            return answer;
        }

        @Override
        public void yieldTo(ClusterTunnel loser, ClusterTunnel winner) {
            yielded.add(loser);
        }

        @Override
        public Tunnel remote(ClusterTunnel entry) {
            return new Tunnel() {
                @Override
                public TunnelInfo info() {
                    return entry.info();
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public TunnelStatistics statistics() {
                    return null;
                }

                @Override
                public TunnelStream openStream(Duration timeout) throws TunnelException {
                    throw new TunnelException(TunnelException.Reason.UNAVAILABLE, "not in this test");
                }
            };
        }
    }

    /** A node whose claim answers when the test says, after the registry gave up on it. */
    private static final class SlowNode implements TunnelCluster {
        private final InMemoryTunnelCluster.Node node;
        private final CompletableFuture<java.util.Optional<ClusterTunnel>> late;
        volatile ClusterTunnel claimed;

        SlowNode(InMemoryTunnelCluster.Node node, CompletableFuture<java.util.Optional<ClusterTunnel>> late) {
            this.node = node;
            this.late = late;
        }

        @Override
        public CompletionStage<java.util.Optional<ClusterTunnel>> claim(ClusterTunnel tunnel) {
            claimed = tunnel;
            return late;
        }

        @Override
        public String localNode() {
            return node.localNode();
        }

        @Override
        public boolean isMember(String name) {
            return node.isMember(name);
        }

        @Override
        public java.util.Optional<ClusterTunnel> find(String key) {
            return node.find(key);
        }

        @Override
        public java.util.Collection<ClusterTunnel> all() {
            return node.all();
        }

        @Override
        public CompletionStage<Boolean> takeOver(ClusterTunnel holder, ClusterTunnel tunnel) {
            return node.takeOver(holder, tunnel);
        }

        @Override
        public void release(ClusterTunnel tunnel) {
            node.release(tunnel);
        }

        @Override
        public void addViewListener(dev.gangway.connector.api.ClusterViewListener listener) {
            node.addViewListener(listener);
        }

        @Override
        public void removeViewListener(dev.gangway.connector.api.ClusterViewListener listener) {
            node.removeViewListener(listener);
        }

        @Override
        public CompletionStage<Void> publishPeerAddress(String peerAddress) {
            return node.publishPeerAddress(peerAddress);
        }

        @Override
        public void withdrawPeerAddress() {
            node.withdrawPeerAddress();
        }

        @Override
        public java.util.Map<String, String> peerAddresses() {
            return node.peerAddresses();
        }
    }
}
