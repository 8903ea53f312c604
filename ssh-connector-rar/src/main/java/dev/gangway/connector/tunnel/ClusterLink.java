package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelCluster;

import java.util.Objects;

/**
 * The registry's connection to the cluster while one is registered: the cluster-wide directory, the address other
 * nodes reach this node's peer port at, and the peers themselves.
 */
public record ClusterLink(TunnelCluster directory, String peerAddress, ClusterPeers peers) {

    public ClusterLink {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(peerAddress, "peerAddress");
        Objects.requireNonNull(peers, "peers");
    }

    public String localNode() {
        return directory.localNode();
    }
}
