package dev.gangway.cluster;

/**
 * When the directory cache has settled after a merge: Infinispan installs a new cache topology for the merged
 * members, resolves conflicting entries (the merge policy) and rebalances; only after that is an entry written by
 * the adapter's re-assertion safe from being overwritten by the resolution.
 */
final class MergeSettlement {

    private MergeSettlement() {
    }

    /**
     * @param topologyAtMerge the cache topology id when the merge view arrived
     * @param topologyNow     the cache topology id now
     * @param noRebalance     whether the current topology is in phase NO_REBALANCE (conflict resolution and state
     *                        transfer done)
     * @param rehashing       whether the distribution manager reports a rebalance in progress
     */
    static boolean isSettled(int topologyAtMerge, int topologyNow, boolean noRebalance, boolean rehashing) {
        return topologyNow > topologyAtMerge && noRebalance && !rehashing;
    }
}
