package dev.gangway.connector.peer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The peer port's settings, validated.
 *
 * @param nodeName         this node's name in the handshake (the cluster's name for it)
 * @param secret           the cluster secret every node shares
 * @param bindAddress      where the port listens (the socket binding's address, port offset applied)
 * @param advertiseAddress {@code host:port} other nodes are told; empty: derived from {@code bindAddress}
 * @param handshakeTimeout how long a connection has to authenticate and name its operation
 * @param openTimeout      how long an OPEN waits for the SSH client to accept the channel
 */
public record PeerSettings(String nodeName, String secret, InetSocketAddress bindAddress, String advertiseAddress,
                           Duration handshakeTimeout, Duration openTimeout) {

    public PeerSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(advertiseAddress, "advertiseAddress");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(openTimeout, "openTimeout");
        if (!PeerHandshake.validNodeName(nodeName)) {
            throw new IllegalArgumentException("clusterNodeName '" + nodeName + "' must be 1-255 printable characters "
                    + "without spaces");
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("clusterSecret is empty: set the same secret on every node "
                    + "(-Dgangway.cluster.secret=..., or an encrypted expression, see README: Cluster)");
        }
        if (!advertiseAddress.isEmpty()) {
            PeerAddresses.parse(advertiseAddress);
        }
    }

    /** The same, with {@code nodeName} replaced. */
    public PeerSettings withNodeName(String name) {
        return new PeerSettings(name, secret, bindAddress, advertiseAddress, handshakeTimeout, openTimeout);
    }

    @Override
    public String toString() {
        // The secret never reaches a log line.
        return "PeerSettings[node=" + nodeName + ", bind=" + bindAddress + ", advertise=" + advertiseAddress + "]";
    }
}
