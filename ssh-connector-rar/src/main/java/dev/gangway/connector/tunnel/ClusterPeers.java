package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;

import java.util.concurrent.CompletionStage;

/**
 * What the registry asks of the other nodes of the cluster, through their node-to-node ports. Nothing here blocks the
 * caller: the registry calls it on SSH I/O threads.
 */
public interface ClusterPeers {

    /**
     * Asks the node holding {@code holder} whether the connection holding it is alive (its local liveness probe; a
     * dead connection is closed there). Completes exceptionally when that node cannot be asked (unreachable, refused
     * the authentication).
     */
    CompletionStage<HolderState> probe(ClusterTunnel holder);

    /**
     * Tells the node holding {@code loser} that {@code winner} keeps the key after a partition healed, so that it
     * closes its connection for the key. Fire and forget: that node checks the rule itself.
     */
    void yieldTo(ClusterTunnel loser, ClusterTunnel winner);

    /** A tunnel held by another node, whose streams are opened through that node's peer port. */
    Tunnel remote(ClusterTunnel entry);
}
