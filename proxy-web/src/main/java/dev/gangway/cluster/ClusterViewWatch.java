package dev.gangway.cluster;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.infinispan.distribution.DistributionManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.topology.CacheTopology;

/**
 * Follows the cluster view for an {@link InfinispanTunnelCluster}: on every view change it removes the departed
 * nodes' entries, then tells the adapter.
 *
 * <p>A merge is told only once the cache has settled: the merge view arrives before Infinispan has resolved the
 * conflicting entries of the two sides (merge policy PREFERRED_NON_NULL), and an adapter re-asserting its tunnels
 * before that resolution would see its writes overwritten by it. So after a merge the watch polls, without blocking
 * any thread, until the cache's topology is newer than at the merge and no rebalance is in progress, or
 * {@link #MERGE_SETTLE_LIMIT_MILLIS} passed, and tells the adapter then.
 *
 * <p>The listener is synchronous (events in view order) and does no blocking work on the JGroups thread: the
 * removes are asynchronous.
 */
@Listener
public final class ClusterViewWatch {

    static final long MERGE_SETTLE_POLL_MILLIS = 200;
    static final long MERGE_SETTLE_LIMIT_MILLIS = 15_000;

    private final InfinispanTunnelCluster cluster;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> pendingMerge;
    private volatile boolean stopped;

    public ClusterViewWatch(InfinispanTunnelCluster cluster, ScheduledExecutorService scheduler) {
        this.cluster = cluster;
        this.scheduler = scheduler;
    }

    /** The sweep at registration: entries of nodes that left while this node's WAR was not deployed. */
    public void start() {
        // Listen first, so that no view change falls between the sweep and the listener.
        cluster.cache().getCacheManager().addListener(this);
        cluster.applyView(InfinispanTunnelCluster.names(cluster.cache().getCacheManager().getMembers()), false);
    }

    public void stop() {
        stopped = true;
        cluster.cache().getCacheManager().removeListener(this);
        ScheduledFuture<?> pending = pendingMerge;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    @ViewChanged
    public void viewChanged(ViewChangedEvent event) {
        cluster.applyView(InfinispanTunnelCluster.names(event.getNewMembers()), false)
                .whenComplete((done, failure) -> cluster.notifyListeners(false));
    }

    @Merged
    public void merged(MergeEvent event) {
        int topologyAtMerge = topologyId();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MERGE_SETTLE_LIMIT_MILLIS);
        cluster.applyView(InfinispanTunnelCluster.names(event.getNewMembers()), true)
                .whenComplete((done, failure) -> awaitSettled(topologyAtMerge, deadline));
    }

    private void awaitSettled(int topologyAtMerge, long deadline) {
        if (stopped) {
            return;
        }
        if (MergeSettlement.isSettled(topologyAtMerge, topologyId(),
                phase() == CacheTopology.Phase.NO_REBALANCE, rehashInProgress())
                || System.nanoTime() - deadline >= 0) {
            cluster.notifyListeners(true);
            return;
        }
        pendingMerge = scheduler.schedule(() -> awaitSettled(topologyAtMerge, deadline), MERGE_SETTLE_POLL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private int topologyId() {
        CacheTopology topology = topology();
        return topology == null ? -1 : topology.getTopologyId();
    }

    private CacheTopology.Phase phase() {
        CacheTopology topology = topology();
        return topology == null ? null : topology.getPhase();
    }

    private boolean rehashInProgress() {
        DistributionManager distribution = cluster.cache().getDistributionManager();
        return distribution != null && distribution.isRehashInProgress();
    }

    private CacheTopology topology() {
        DistributionManager distribution = cluster.cache().getDistributionManager();
        return distribution == null ? null : distribution.getCacheTopology();
    }
}
