package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * Other nodes' tunnels as the registry hands them out: read from the cluster directory, for nodes in the view only,
 * and the same {@link Tunnel} object for as long as its entry stays the same, so that its counters (this node's
 * streams to it) live on between lookups. Forgotten once the directory no longer has them.
 */
final class RemoteTunnels {

    private final ConcurrentMap<String, Handed> handedOut = new ConcurrentHashMap<>();

    /** The other node's tunnel filed under {@code key} (lower case), if its node is in the view. */
    Optional<Tunnel> find(ClusterLink link, String key) {
        Optional<ClusterTunnel> entry = link.directory().find(key).filter(e -> isRemote(link, e));
        if (entry.isEmpty()) {
            handedOut.remove(key);
            return Optional.empty();
        }
        return Optional.of(tunnel(link, entry.get()));
    }

    /** Every other node's tunnel in the view whose key this node does not hold itself. */
    List<Tunnel> all(ClusterLink link, Predicate<String> heldHere) {
        List<Tunnel> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ClusterTunnel entry : link.directory().all()) {
            if (isRemote(link, entry) && !heldHere.test(entry.key())) {
                seen.add(entry.key());
                all.add(tunnel(link, entry));
            }
        }
        handedOut.keySet().retainAll(seen);
        return all;
    }

    void clear() {
        handedOut.clear();
    }

    private static boolean isRemote(ClusterLink link, ClusterTunnel entry) {
        return !entry.node().equals(link.localNode()) && link.directory().isMember(entry.node());
    }

    private Tunnel tunnel(ClusterLink link, ClusterTunnel entry) {
        return handedOut.compute(entry.key(), (key, old) -> old != null && old.link() == link
                && old.entry().equals(entry) ? old : new Handed(link, entry, link.peers().remote(entry))).tunnel();
    }

    /** A tunnel handed out, with the link and entry it was made for. */
    private record Handed(ClusterLink link, ClusterTunnel entry, Tunnel tunnel) {
    }
}
