package dev.gangway.connector.peer;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.ClusterViewListener;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.tunnel.ClusterLink;
import dev.gangway.connector.tunnel.ClusterPeers;
import dev.gangway.connector.tunnel.HolderState;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelRegistry;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * This node as a member of the cluster, for as long as the web tier has a {@link TunnelCluster} registered and the
 * adapter is started: the peer port open, the registry filing its tunnels in the directory, and the view listener
 * that re-asserts them when partitions merge. {@link #start} opens all of it; {@link #stop} releases this node's
 * entries first (other nodes stop routing here at once), then closes the port.
 */
public final class ClusterNode implements ClusterPeers, PeerService, ClusterViewListener {

    private final TunnelRegistry registry;
    private final SessionRevocations sessions;
    private final TunnelCluster directory;
    private final PeerPort port;
    private final RemoteStreams remoteStreams = new RemoteStreams();
    private final Duration timeout;
    private volatile Runnable afterStop = () -> { };

    private ClusterNode(TunnelRegistry registry, SessionRevocations sessions, TunnelCluster directory,
                        PeerSettings settings, Duration timeout) {
        this.registry = registry;
        this.sessions = sessions;
        this.directory = directory;
        this.port = new PeerPort(settings, this);
        this.timeout = timeout;
    }

    /**
     * Opens the peer port and links the registry to {@code directory}; this node's tunnels are filed at once.
     *
     * @param timeout bounds each request to another node (a probe waits up to twice as long for the holder's own)
     * @throws IOException when the port cannot be bound; nothing is left open then
     */
    public static ClusterNode start(TunnelRegistry registry, SessionRevocations sessions, TunnelCluster directory,
                                    PeerSettings settings, Duration timeout) throws IOException {
        String node = directory.localNode();
        PeerSettings effective = settings;
        if (!settings.nodeName().equals(node)) {
            PeerLogger.LOG.nodeNameMismatch(settings.nodeName(), node, node);
            effective = settings.withNodeName(node);
        }
        ClusterNode member = new ClusterNode(registry, sessions, directory, effective, timeout);
        member.port.start();
        try {
            registry.useCluster(new ClusterLink(directory, member.port.advertisedAddress(), member));
            directory.addViewListener(member);
            member.publishPeerAddress();
        } catch (RuntimeException e) {
            registry.clearCluster(directory);
            member.port.stop();
            throw e;
        }
        PeerLogger.LOG.clusterRegistered(node);
        return member;
    }

    /** Releases this node's entries, unlinks the registry and closes the peer port. Idempotent. */
    public void stop() {
        directory.removeViewListener(this);
        try {
            directory.withdrawPeerAddress();
        } catch (RuntimeException e) {
            // The cache is stopping too: the view change of this node's departure removes the address.
        }
        if (registry.clearCluster(directory)) {
            PeerLogger.LOG.clusterCleared();
        }
        port.stop();
        afterStop.run();
        afterStop = () -> { };
    }

    /** Runs once the node stopped (releases what kept the peer port's address valid). */
    public void whenStopped(Runnable action) {
        this.afterStop = Objects.requireNonNull(action, "action");
    }

    public TunnelCluster directory() {
        return directory;
    }

    /** The address other nodes are told (tests). */
    public String peerAddress() {
        return port.advertisedAddress();
    }

    @Override
    public void viewChanged(boolean merged) {
        int closed = remoteStreams.closeDeparted(directory::isMember);
        if (closed > 0) {
            PeerLogger.LOG.departedStreamsClosed(closed);
        }
        // The other side of a partition removed this node's address with its entries; a no-op write otherwise.
        publishPeerAddress();
        if (merged) {
            PeerLogger.LOG.merged();
            registry.reassert();
        }
    }

    // --- ClusterPeers: what the registry asks of other nodes ---

    @Override
    public CompletionStage<HolderState> probe(ClusterTunnel holder) {
        return onWorker(() -> {
            String answer = port.client().answer(holder.node(), holder.peerAddress(),
                    PeerOperation.probe(holder.key()), timeout.multipliedBy(2));
            try {
                return HolderState.valueOf(answer.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IOException("unexpected PROBE answer '" + answer + "'");
            }
        });
    }

    @Override
    public void yieldTo(ClusterTunnel loser, ClusterTunnel winner) {
        onWorker(() -> port.client().answer(loser.node(), loser.peerAddress(),
                PeerOperation.yieldTo(winner.key(), winner.node(), winner.info().openedAt()), timeout))
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        PeerLogger.LOG.peerFailed(loser.node(), loser.peerAddress(), "YIELD", loser.key(),
                                String.valueOf(failure.getMessage()));
                    }
                });
    }

    @Override
    public Tunnel remote(ClusterTunnel entry) {
        return new RemoteTunnel(entry, directory, port, registry.statistics().newTunnel(), remoteStreams);
    }

    /**
     * Best effort: a node whose address is not filed still serves and is served (its tunnel entries name it); only a
     * revocation elsewhere would miss its tunnel-less connections, so a failure is a WARN, never a failed join.
     */
    private void publishPeerAddress() {
        String address;
        try {
            address = port.advertisedAddress();
        } catch (IllegalStateException stopped) {
            return; // a view change that raced this node's stop
        }
        try {
            directory.publishPeerAddress(address).whenComplete((written, failure) -> {
                if (failure != null) {
                    PeerLogger.LOG.cannotPublishAddress(address, String.valueOf(failure.getMessage()));
                }
            });
        } catch (RuntimeException e) {
            PeerLogger.LOG.cannotPublishAddress(address, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Revokes a key on this node and on every other node in the view: its SSH connections end wherever they are,
     * with tunnels or without (a connection without one could still ask for one). The count is the sum. Blocks for
     * the other nodes' answers (a web tier request thread).
     */
    public int disconnectKeyEverywhere(String fingerprint, String reason) {
        return sessions.disconnectKey(fingerprint, reason) + askOtherNodes(
                PeerOperation.disconnectKey(fingerprint, reason));
    }

    /** As {@link #disconnectKeyEverywhere}, for every key of the owner with this subject. */
    public int disconnectOwnerEverywhere(String subject, String reason) {
        return sessions.disconnectOwner(subject, reason) + askOtherNodes(
                PeerOperation.disconnectOwner(subject, reason));
    }

    /**
     * Asks every other node in the view, at the peer address it published (or, for a node that has not published
     * one yet, the address its tunnel entries name); the sum of the counts they answer.
     */
    private int askOtherNodes(PeerOperation operation) {
        Map<String, String> addresses = new LinkedHashMap<>(directory.peerAddresses());
        for (ClusterTunnel entry : directory.all()) {
            addresses.putIfAbsent(entry.node(), entry.peerAddress());
        }
        int count = 0;
        for (Map.Entry<String, String> node : addresses.entrySet()) {
            if (node.getKey().equals(directory.localNode()) || !directory.isMember(node.getKey())) {
                continue;
            }
            try {
                count += Integer.parseInt(port.client().answer(node.getKey(), node.getValue(), operation, timeout));
            } catch (IOException | NumberFormatException | IllegalStateException e) {
                PeerLogger.LOG.peerFailed(node.getKey(), node.getValue(), operation.verb().wire, "-",
                        String.valueOf(e.getMessage()));
            }
        }
        return count;
    }

    // --- PeerService: what other nodes ask of this one ---

    @Override
    public Optional<Tunnel> localTunnel(String key) {
        return registry.findLocal(key).map(Tunnel.class::cast);
    }

    @Override
    public CompletionStage<HolderState> probe(String key, String askingNode) {
        return registry.probeLocal(key, askingNode);
    }

    @Override
    public int disconnectKey(String fingerprint, String reason) {
        return sessions.disconnectKey(fingerprint, reason);
    }

    @Override
    public int disconnectOwner(String subject, String reason) {
        return sessions.disconnectOwner(subject, reason);
    }

    @Override
    public boolean yieldKey(String key, String winnerNode, Instant winnerOpenedAt) {
        return registry.yieldLocal(key, winnerNode, winnerOpenedAt);
    }

    private interface Request<T> {
        T call() throws IOException;
    }

    /** A blocking request to another node, on the peer port's workers; the stage fails if none is free. */
    private <T> CompletableFuture<T> onWorker(Request<T> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            port.workers().execute(() -> {
                try {
                    result.complete(request.call());
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException | IllegalStateException e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
