package dev.gangway.connector.api;

import java.io.Serializable;
import java.util.Objects;

/**
 * One entry of the cluster-wide tunnel directory: a live tunnel and the node whose SSH connection holds it.
 *
 * @param info        what the holding node's registry knows of the tunnel
 * @param node        the holding node's name in the cluster ({@code jboss.node.name}, which is also its JGroups name)
 * @param peerAddress {@code host:port} of the holding node's node-to-node port, where other nodes open streams to
 *                    the tunnel and ask whether its connection is alive
 */
public record ClusterTunnel(TunnelInfo info, String node, String peerAddress) implements Serializable {

    public ClusterTunnel {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(peerAddress, "peerAddress");
    }

    /** The tunnel key the entry is filed under. */
    public String key() {
        return info.key();
    }
}
