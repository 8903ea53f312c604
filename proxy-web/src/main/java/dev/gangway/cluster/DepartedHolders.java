package dev.gangway.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which directory entries name a node that is no longer in the cluster view. Every node runs this on every view
 * change and removes what it finds with a conditional remove, so the work is idempotent and needs no coordinator:
 * that is how a crashed or partitioned node's tunnels leave the directory within seconds of the view change.
 */
final class DepartedHolders {

    private DepartedHolders() {
    }

    /**
     * @param entries the directory's stored entries, key to stored JSON
     * @param members the node names of the current view
     * @return the entries (key to the exact stored JSON, for the conditional remove) whose node is not a member;
     *         entries naming no node are left alone (they are not this format's, so not this code's to judge)
     */
    static Map<String, String> select(Map<String, String> entries, Set<String> members) {
        return entries.entrySet().stream()
                .filter(entry -> isDeparted(entry.getValue(), members))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static boolean isDeparted(String json, Set<String> members) {
        Optional<String> node = ClusterTunnelCodec.nodeOf(json);
        return node.isPresent() && !members.contains(node.get());
    }
}
