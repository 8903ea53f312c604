package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.ClusterViewListener;
import dev.gangway.connector.api.TunnelCluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test fixture of the cluster SPI: one partition of a cluster, in memory, with the semantics the web tier's
 * Infinispan implementation promises (conditional writes that complete asynchronously, on another thread; entries of
 * a node that leaves removed; merges keeping one value per key, as PREFERRED_NON_NULL does). Not a stub of the
 * adapter: the adapter's own code runs against it. Writes can be made to fail or never complete.
 */
public final class InMemoryTunnelCluster {

    public enum Writes { WORK, FAIL, STALL }

    private final Map<String, ClusterTunnel> entries = new ConcurrentHashMap<>();
    private final Map<String, String> peerAddresses = new ConcurrentHashMap<>();
    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private volatile Writes writes = Writes.WORK;
    public final AtomicInteger releases = new AtomicInteger();

    /** A node of this partition: what that node's web tier would register with its adapter. */
    public Node join(String name) {
        Node node = new Node(name, this);
        members.add(name);
        nodes.add(node);
        node.fire(false);
        return node;
    }

    /** {@code name} left the view (crashed or cut off): its entries are removed, as every node's web tier does. */
    public void leave(String name) {
        members.remove(name);
        nodes.removeIf(n -> n.name.equals(name));
        entries.values().removeIf(e -> e.node().equals(name));
        peerAddresses.remove(name);
        nodes.forEach(n -> n.fire(false));
    }

    /**
     * The partition {@code other} heals into this one: its nodes join, its entries are kept where this partition has
     * none for the key (one side's value wins a conflict, as Infinispan's merge policy does), and every node is told
     * of a merge.
     */
    public void merge(InMemoryTunnelCluster other) {
        other.entries.forEach(entries::putIfAbsent);
        other.peerAddresses.forEach(peerAddresses::putIfAbsent);
        members.addAll(other.members);
        for (Node node : other.nodes) {
            node.partition = this;
            nodes.add(node);
        }
        other.nodes.clear();
        nodes.forEach(n -> n.fire(true));
    }

    /** A name in the view without a node object: a member that never registered (tests of a crashed holder). */
    public void addMember(String name) {
        members.add(name);
    }

    public void writes(Writes mode) {
        this.writes = mode;
    }

    /** Puts an entry as another node would have filed it. */
    public void put(ClusterTunnel entry) {
        entries.put(entry.key(), entry);
    }

    /** The peer addresses the nodes of this partition published. */
    public Map<String, String> peerAddressesForTest() {
        return Map.copyOf(peerAddresses);
    }

    public void forgetPeerAddressForTest(String node) {
        peerAddresses.remove(node);
    }

    public Map<String, ClusterTunnel> entries() {
        return Map.copyOf(entries);
    }

    private <T> CompletionStage<T> write(java.util.function.Supplier<T> change) {
        return switch (writes) {
            case WORK -> CompletableFuture.supplyAsync(change);
            case FAIL -> CompletableFuture.failedFuture(new IllegalStateException("cache is stopping"));
            case STALL -> new CompletableFuture<>();
        };
    }

    /** One node's view of the cluster: the {@link TunnelCluster} its adapter is given. */
    public static final class Node implements TunnelCluster {
        private final String name;
        private volatile InMemoryTunnelCluster partition;
        private final List<ClusterViewListener> listeners = new CopyOnWriteArrayList<>();

        Node(String name, InMemoryTunnelCluster partition) {
            this.name = name;
            this.partition = partition;
        }

        void fire(boolean merged) {
            listeners.forEach(l -> l.viewChanged(merged));
        }

        @Override
        public String localNode() {
            return name;
        }

        @Override
        public boolean isMember(String node) {
            return partition.members.contains(node);
        }

        @Override
        public Optional<ClusterTunnel> find(String key) {
            return Optional.ofNullable(partition.entries.get(key));
        }

        @Override
        public Collection<ClusterTunnel> all() {
            return new ArrayList<>(partition.entries.values());
        }

        @Override
        public CompletionStage<Optional<ClusterTunnel>> claim(ClusterTunnel tunnel) {
            InMemoryTunnelCluster p = partition;
            return p.write(() -> Optional.ofNullable(p.entries.putIfAbsent(tunnel.key(), tunnel)));
        }

        @Override
        public CompletionStage<Boolean> takeOver(ClusterTunnel holder, ClusterTunnel tunnel) {
            InMemoryTunnelCluster p = partition;
            return p.write(() -> p.entries.replace(holder.key(), holder, tunnel)
                    || p.entries.putIfAbsent(tunnel.key(), tunnel) == null);
        }

        @Override
        public void release(ClusterTunnel tunnel) {
            InMemoryTunnelCluster p = partition;
            if (p.entries.remove(tunnel.key(), tunnel)) {
                p.releases.incrementAndGet();
            }
        }

        @Override
        public void addViewListener(ClusterViewListener listener) {
            listeners.add(listener);
        }

        @Override
        public CompletionStage<Void> publishPeerAddress(String peerAddress) {
            InMemoryTunnelCluster p = partition;
            return p.write(() -> {
                p.peerAddresses.put(name, peerAddress);
                return null;
            });
        }

        @Override
        public void withdrawPeerAddress() {
            partition.peerAddresses.remove(name);
        }

        @Override
        public Map<String, String> peerAddresses() {
            return Map.copyOf(partition.peerAddresses);
        }

        @Override
        public void removeViewListener(ClusterViewListener listener) {
            listeners.remove(listener);
        }

        @Override
        public String toString() {
            return "in-memory cluster node " + name;
        }
    }
}
