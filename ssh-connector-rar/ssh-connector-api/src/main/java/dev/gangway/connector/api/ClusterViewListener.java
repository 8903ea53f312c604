package dev.gangway.connector.api;

/**
 * Told when the cluster view changes. Called on a thread of the cache's; must not block.
 */
@FunctionalInterface
public interface ClusterViewListener {

    /**
     * @param merged whether the new view joined partitions that had split: entries then may conflict (a key filed
     *               by both sides) or be missing (removed by the other side while it could not see this node)
     */
    void viewChanged(boolean merged);
}
