package dev.gangway.connector.peer;

import dev.gangway.connector.tunnel.TunnelStream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * This node's open streams to tunnels other nodes hold, by holding node, so that a node leaving the view takes its
 * streams with it. A node that dies with its machine, or behind a partition, sends no FIN: its sockets here would
 * stay open (and pooled, and counted) until a read or the pool's idle remover found out. The view change is the
 * cluster's own word that it is gone.
 */
final class RemoteStreams {

    private final Map<String, Set<TunnelStream>> byNode = new ConcurrentHashMap<>();

    /** Tracks {@code stream} until it closes. */
    void add(String node, TunnelStream stream) {
        byNode.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet()).add(stream);
        stream.onClose(() -> byNode.computeIfPresent(node, (n, streams) -> {
            streams.remove(stream);
            return streams.isEmpty() ? null : streams;
        }));
    }

    /** Closes every stream to a node for which {@code isMember} is false; the number closed. */
    int closeDeparted(Predicate<String> isMember) {
        List<TunnelStream> departed = new ArrayList<>();
        for (Map.Entry<String, Set<TunnelStream>> entry : byNode.entrySet()) {
            if (!isMember.test(entry.getKey())) {
                departed.addAll(entry.getValue());
            }
        }
        // Closed outside the map's locks: each close runs its listeners, which remove it here.
        departed.forEach(TunnelStream::close);
        return departed.size();
    }

    /** Open streams to {@code node} (tests). */
    int count(String node) {
        Set<TunnelStream> streams = byNode.get(node);
        return streams == null ? 0 : streams.size();
    }
}
