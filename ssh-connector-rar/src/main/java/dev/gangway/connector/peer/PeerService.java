package dev.gangway.connector.peer;

import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.tunnel.HolderState;
import dev.gangway.connector.tunnel.Tunnel;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** What the peer port serves other nodes: this node's own tunnels and SSH connections, never another node's. */
interface PeerService {

    /** This node's tunnel for the key, if one of its connections holds it. */
    java.util.Optional<Tunnel> localTunnel(String key);

    /** PROBE: never completes exceptionally. */
    CompletionStage<HolderState> probe(String key, String askingNode);

    int disconnectKey(String fingerprint, String reason);

    int disconnectOwner(String subject, String reason);

    /** YIELD: whether this node gave the key up to the winner. */
    boolean yieldKey(String key, String winnerNode, Instant winnerOpenedAt);

    /** Thrown by {@link #localTunnel} users when the key is not held here. */
    static TunnelException noTunnel(String key) {
        return new TunnelException(TunnelException.Reason.NO_TUNNEL, "No active tunnel found on this node: " + key);
    }
}
