package dev.gangway.connector.peer;

import dev.gangway.connector.api.TunnelCluster;

import java.util.Objects;
import java.util.Optional;

/**
 * The one {@link TunnelCluster} the web tier registered, if any, and this node's membership while the adapter is
 * started. Owned by the resource adapter for its whole life, not per start (like the key authority's registration):
 * the WAR registers once per deployment, and the adapter may start after it or restart under it. A cluster registered
 * while the adapter runs is joined at once; one registered before is joined when it starts.
 */
public final class TunnelClusterRegistration {

    /** How the running adapter joins a registered cluster (opens the peer port, links the registry). */
    @FunctionalInterface
    public interface Joiner {
        ClusterNode join(TunnelCluster cluster) throws Exception;
    }

    private TunnelCluster current;
    private Joiner joiner;
    private ClusterNode node;

    public synchronized void use(TunnelCluster cluster) {
        Objects.requireNonNull(cluster, "cluster");
        leave();
        current = cluster;
        join();
    }

    /** Unregisters {@code cluster} only if it is still the registered one (an older deployment's late clear). */
    public synchronized void clear(TunnelCluster cluster) {
        if (cluster != null && cluster == current) {
            leave();
            current = null;
        }
    }

    /** The adapter started: a registered cluster is joined now. */
    public synchronized void started(Joiner startedJoiner) {
        this.joiner = Objects.requireNonNull(startedJoiner, "startedJoiner");
        join();
    }

    /** The adapter is stopping: this node's entries are released and the peer port closed; the registration stays. */
    public synchronized void stopping() {
        leave();
        joiner = null;
    }

    /** This node's membership, while the adapter runs with a cluster registered and the peer port open. */
    public synchronized Optional<ClusterNode> node() {
        return Optional.ofNullable(node);
    }

    private void join() {
        if (current == null || joiner == null) {
            return;
        }
        try {
            node = joiner.join(current);
        } catch (Exception e) {
            node = null;
            PeerLogger.LOG.cannotOpen(String.valueOf(e.getMessage()), "Fix the setting it names (clusterSecret, "
                    + "peerSocketBinding, peerAdvertiseAddress, clusterNodeName) and redeploy the web application");
        }
    }

    private void leave() {
        if (node != null) {
            node.stop();
            node = null;
        }
    }
}
