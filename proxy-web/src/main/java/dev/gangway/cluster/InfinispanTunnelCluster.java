package dev.gangway.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.remoting.transport.Address;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.ClusterViewListener;
import dev.gangway.connector.api.TunnelCluster;

/**
 * The {@link TunnelCluster} over the replicated {@code gangway/tunnels} cache: key → the holder's entry as JSON
 * ({@link ClusterTunnelCodec}).
 *
 * <p>Reads are local ({@code CACHE_MODE_LOCAL}): a replicated cache holds every entry on every node, and the SPI
 * promises reads that never block. Writes are Infinispan's atomic conditional operations (put-if-absent, replace
 * old by new, remove if unchanged), asynchronous; they compare the stored string, which is read locally first, so a
 * take-over or a release never removes an entry that changed hands in between.
 */
public final class InfinispanTunnelCluster implements TunnelCluster {

    /**
     * Each node's peer address is filed in the same cache, under this prefix and the node's name: no tunnel key can
     * take such a key (a tunnel key is a DNS label, with no slash), and one cache means one replication, one
     * partition handling and one departed-node cleanup ({@link DepartedHolders} reads the record's {@code node}).
     */
    static final String PEER_ADDRESS_KEY_PREFIX = "peer-address/";

    /** Replace, then put-if-absent, then replace: enough for the holder's release racing the take-over. */
    private static final int TAKE_OVER_ATTEMPTS = 3;

    private final Cache<String, String> cache;
    private final AdvancedCache<String, String> local;
    private final String localNode;
    private final List<ClusterViewListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * The last decoded entry per key, reused while the stored string is the same: a visitor's request on a node that
     * does not hold the tunnel looks its entry up more than once, and decoding JSON for each lookup cost more than
     * the rest of the visit's extra work (measured with JFR on the two-node benchmark). Bounded by the keys in the
     * cache: a key is dropped when a lookup finds it gone, and {@link #all()} drops every key no longer stored.
     */
    private final ConcurrentMap<String, Decoded> decoded = new ConcurrentHashMap<>();
    private volatile Set<String> members;

    public InfinispanTunnelCluster(Cache<String, String> cache) {
        // Every operation in the cache's storage format, without WildFly's transcoding. The cache a deployment gets
        // wraps each value in a MarshalledValue, yet iterating it met plain strings in storage and failed with a
        // ClassCastException inside the transcoder (measured on a node that had joined by state transfer, and on
        // the others once the cluster had split and merged). Strings need no wrapping; stored as they are, every
        // path (local writes, replication, state transfer, conflict resolution) keeps them alike.
        this.cache = cache.getAdvancedCache().withStorageMediaType();
        this.local = this.cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL);
        this.localNode = String.valueOf(cache.getCacheManager().getAddress());
        this.members = names(cache.getCacheManager().getMembers());
    }

    static Set<String> names(Collection<Address> addresses) {
        return addresses.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String localNode() {
        return localNode;
    }

    @Override
    public boolean isMember(String node) {
        return members.contains(node);
    }

    Set<String> members() {
        return members;
    }

    @Override
    public Optional<ClusterTunnel> find(String key) {
        if (isPeerAddressKey(key)) {
            return Optional.empty();
        }
        String json = local.get(key);
        if (json == null) {
            decoded.remove(key);
            return Optional.empty();
        }
        return readable(key, json);
    }

    @Override
    public Collection<ClusterTunnel> all() {
        List<ClusterTunnel> tunnels = new ArrayList<>();
        Map<String, String> stored = snapshot();
        stored.forEach((key, json) -> {
            if (!isPeerAddressKey(key)) {
                readable(key, json).ifPresent(tunnels::add);
            }
        });
        decoded.keySet().retainAll(stored.keySet());
        return tunnels;
    }

    @Override
    public CompletionStage<Optional<ClusterTunnel>> claim(ClusterTunnel tunnel) {
        return cache.putIfAbsentAsync(tunnel.key(), ClusterTunnelCodec.encode(tunnel))
                .thenApply(previous -> previous == null
                        ? Optional.empty()
                        : Optional.of(holderOf(tunnel.key(), previous)));
    }

    @Override
    public CompletionStage<Boolean> takeOver(ClusterTunnel holder, ClusterTunnel tunnel) {
        String stored = local.get(tunnel.key());
        if (stored != null && !holder.equals(decodeOrNull(stored))) {
            return CompletableFuture.completedFuture(false);
        }
        return takeOver(holder, tunnel.key(), stored, ClusterTunnelCodec.encode(tunnel), TAKE_OVER_ATTEMPTS);
    }

    /**
     * One conditional write: replace {@code expected} (the holder's stored entry) or, with {@code expected} null, put
     * if absent. A take-over typically races the holder's own release (its node closed the dead connection and
     * removes the entry while this node replaces it), and this node's local copy may lag the write that won; so a
     * lost write is tried again in the other form while the key is still the holder's or nobody's.
     */
    private CompletionStage<Boolean> takeOver(ClusterTunnel holder, String key, String expected, String json,
                                              int attempts) {
        if (expected == null) {
            return cache.putIfAbsentAsync(key, json).thenCompose(previous -> {
                if (previous == null) {
                    return CompletableFuture.completedFuture(true);
                }
                return attempts > 1 && holder.equals(decodeOrNull(previous))
                        ? takeOver(holder, key, previous, json, attempts - 1)
                        : CompletableFuture.completedFuture(false);
            });
        }
        return cache.replaceAsync(key, expected, json).thenCompose(replaced -> replaced || attempts <= 1
                ? CompletableFuture.completedFuture(replaced)
                : takeOver(holder, key, null, json, attempts - 1));
    }

    @Override
    public void release(ClusterTunnel tunnel) {
        String stored = local.get(tunnel.key());
        if (stored != null && tunnel.equals(decodeOrNull(stored))) {
            cache.removeAsync(tunnel.key(), stored).whenComplete((removed, failure) -> {
                if (failure != null) {
                    ClusterLogger.LOG.debugf(failure, "Release of %s failed; the view change of this node's "
                            + "departure or the adapter's next re-assertion removes it", tunnel.key());
                }
            });
        }
    }

    @Override
    public CompletionStage<Void> publishPeerAddress(String peerAddress) {
        String json = ClusterTunnelCodec.encodePeerAddress(localNode, peerAddress);
        String key = PEER_ADDRESS_KEY_PREFIX + localNode;
        if (json.equals(local.get(key))) {
            return CompletableFuture.completedFuture(null);
        }
        return cache.putAsync(key, json).thenApply(previous -> null);
    }

    @Override
    public void withdrawPeerAddress() {
        String key = PEER_ADDRESS_KEY_PREFIX + localNode;
        String stored = local.get(key);
        if (stored != null) {
            cache.removeAsync(key, stored).whenComplete((removed, failure) -> {
                if (failure != null) {
                    ClusterLogger.LOG.debugf(failure, "Withdrawing this node's peer address failed; the view change "
                            + "of this node's departure removes it");
                }
            });
        }
    }

    @Override
    public Map<String, String> peerAddresses() {
        Map<String, String> addresses = new HashMap<>();
        local.forEach((key, json) -> {
            if (isPeerAddressKey(key)) {
                ClusterTunnelCodec.peerAddressOf(json).ifPresent(
                        address -> addresses.put(key.substring(PEER_ADDRESS_KEY_PREFIX.length()), address));
            }
        });
        return addresses;
    }

    private static boolean isPeerAddressKey(String key) {
        return key.startsWith(PEER_ADDRESS_KEY_PREFIX);
    }

    @Override
    public void addViewListener(ClusterViewListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeViewListener(ClusterViewListener listener) {
        listeners.remove(listener);
    }

    /**
     * A new view: remembers its members and removes every entry whose node left it (conditional removes, run by
     * every node: idempotent). Completes when the removes have.
     */
    CompletableFuture<Void> applyView(Set<String> newMembers, boolean merged) {
        members = newMembers;
        Map<String, String> departed = DepartedHolders.select(snapshot(), newMembers);
        ClusterLogger.LOG.viewChanged(merged ? " (partitions merged)" : "", newMembers, departed.size());
        CompletableFuture<?>[] removes = departed.entrySet().stream()
                .map(entry -> cache.removeAsync(entry.getKey(), entry.getValue())
                        .exceptionally(failure -> {
                            ClusterLogger.LOG.departedRemoveFailed(entry.getKey(),
                                    ClusterTunnelCodec.nodeOf(entry.getValue()).orElse("?"), failure);
                            return false;
                        }))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(removes);
    }

    /** Tells the adapter (and any other listener) of a view change. Never throws. */
    void notifyListeners(boolean merged) {
        for (ClusterViewListener listener : listeners) {
            try {
                listener.viewChanged(merged);
            } catch (RuntimeException e) {
                ClusterLogger.LOG.listenerFailed(e);
            }
        }
    }

    AdvancedCache<String, String> cache() {
        return cache.getAdvancedCache();
    }

    private Map<String, String> snapshot() {
        Map<String, String> copy = new HashMap<>();
        local.forEach(copy::put);
        return copy;
    }

    private ClusterTunnel holderOf(String key, String json) {
        try {
            return ClusterTunnelCodec.decode(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the key " + key + " is held by an entry this node cannot read: "
                    + e.getMessage(), e);
        }
    }

    private static ClusterTunnel decodeOrNull(String json) {
        try {
            return ClusterTunnelCodec.decode(json);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Optional<ClusterTunnel> readable(String key, String json) {
        Decoded last = decoded.get(key);
        if (last != null && last.json().equals(json)) {
            return Optional.of(last.tunnel());
        }
        try {
            ClusterTunnel tunnel = ClusterTunnelCodec.decode(json);
            decoded.put(key, new Decoded(json, tunnel));
            return Optional.of(tunnel);
        } catch (IllegalArgumentException e) {
            decoded.remove(key);
            ClusterLogger.LOG.unreadableEntry(key, e.getMessage());
            return Optional.empty();
        }
    }

    /** A stored string and what it decoded to. */
    private record Decoded(String json, ClusterTunnel tunnel) {
    }
}
