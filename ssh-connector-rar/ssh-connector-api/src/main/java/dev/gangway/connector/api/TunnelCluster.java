package dev.gangway.connector.api;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide directory of tunnels: which node holds which tunnel key. The web tier implements it over a
 * replicated Infinispan cache when the server runs clustered, and registers it with
 * {@link TunnelConnectionFactory#useTunnelCluster}; a single node registers none and the adapter keeps its
 * node-local registry only.
 *
 * <p>The adapter stays the authority on the tunnels its own SSH connections hold; this directory is how other nodes
 * learn of them. Reads never block. Writes complete asynchronously, on whatever thread the cache completes them:
 * dependents must not block. A write that cannot be made (the cache is stopping, or refuses writes) completes
 * exceptionally.
 */
public interface TunnelCluster {

    /** This node's name in the cluster ({@code jboss.node.name}). */
    String localNode();

    /** Whether {@code node} is in the current cluster view. Never blocks. */
    boolean isMember(String node);

    /** The entry for this key (lower case), on whatever node holds it. A local read; never blocks. */
    Optional<ClusterTunnel> find(String key);

    /** A snapshot of every entry. A local read; never blocks. */
    Collection<ClusterTunnel> all();

    /**
     * Files {@code tunnel} under its key if no entry holds the key. Completes with empty when filed, or with the
     * entry that holds the key.
     */
    CompletionStage<Optional<ClusterTunnel>> claim(ClusterTunnel tunnel);

    /**
     * Files {@code tunnel} in place of {@code holder} if the key is still held by exactly {@code holder}, or by
     * nobody. Completes {@code true} when {@code tunnel} now holds the key.
     */
    CompletionStage<Boolean> takeOver(ClusterTunnel holder, ClusterTunnel tunnel);

    /** Removes {@code tunnel}'s entry if it is still the one filed under its key. Does not wait. */
    void release(ClusterTunnel tunnel);

    /**
     * Tells {@code listener} of every view change from now on, with whether it was a merge (a partition healing).
     * The adapter re-asserts its own tunnels then; see {@link ClusterViewListener}.
     */
    void addViewListener(ClusterViewListener listener);

    /**
     * Files where this node's peer port is, under this node's name, so that other nodes can reach it even while it
     * holds no tunnel: a revoked key's SSH connections must end on every node, tunnels or not. Removed with this
     * node's tunnel entries when it leaves the view. Writes only when the stored address differs; completes when
     * written.
     */
    CompletionStage<Void> publishPeerAddress(String peerAddress);

    /** Removes this node's peer address (a graceful stop). Does not wait. */
    void withdrawPeerAddress();

    /** Every node's published peer address, by node name, this node's included. A local read; never blocks. */
    Map<String, String> peerAddresses();

    void removeViewListener(ClusterViewListener listener);
}
