package dev.gangway.connector.peer;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.net.Channels;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelStream;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A tunnel another node of the cluster holds: what the directory says of it, and streams opened through that node's
 * peer port ({@code OPEN}). Its statistics count this node's streams to it only.
 */
final class RemoteTunnel implements Tunnel {

    private final ClusterTunnel entry;
    private final TunnelCluster directory;
    private final PeerPort port;
    private final TunnelStatistics statistics;
    private final RemoteStreams streams;

    RemoteTunnel(ClusterTunnel entry, TunnelCluster directory, PeerPort port, TunnelStatistics statistics,
                 RemoteStreams streams) {
        this.entry = Objects.requireNonNull(entry, "entry");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.port = Objects.requireNonNull(port, "port");
        this.statistics = Objects.requireNonNull(statistics, "statistics");
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    @Override
    public TunnelInfo info() {
        return entry.info();
    }

    /** While the directory still files exactly this entry and its node is in the view. */
    @Override
    public boolean isOpen() {
        return directory.isMember(entry.node()) && directory.find(entry.key()).filter(entry::equals).isPresent();
    }

    @Override
    public TunnelStatistics statistics() {
        return statistics;
    }

    /** Blocks for the connect, the handshake and the holder's channel open, all within {@code timeout}. */
    @Override
    public TunnelStream openStream(Duration timeout) throws TunnelException {
        PeerClient.Exchange exchange;
        statistics.channelRegistered();
        try {
            exchange = port.client().ask(entry, PeerOperation.open(entry.key()), timeout);
        } catch (IOException | IllegalStateException e) {
            statistics.channelClosed();
            PeerLogger.LOG.peerFailed(entry.node(), entry.peerAddress(), "OPEN", entry.key(), String.valueOf(e.getMessage()));
            throw new TunnelException(exceededTimeout(e) ? TunnelException.Reason.TIMEOUT
                    : TunnelException.Reason.UNAVAILABLE, "tunnel " + entry.key() + " is held on node " + entry.node()
                    + ", which could not be reached: " + e.getMessage(), e);
        }
        try {
            exchange.okArgument();
        } catch (TunnelException e) {
            Channels.closeQuietly(exchange.channel());
            statistics.channelClosed();
            throw e;
        }
        statistics.channelOpened();
        RemoteTunnelStream stream = new RemoteTunnelStream(exchange.channel(), exchange.leftover(), statistics,
                entry.key() + " via node " + entry.node());
        streams.add(entry.node(), stream);
        return stream;
    }

    private static boolean exceededTimeout(Exception e) {
        return e.getCause() instanceof java.util.concurrent.TimeoutException;
    }

    @Override
    public String toString() {
        return "tunnel " + entry.key() + " on node " + entry.node() + " (" + entry.peerAddress() + ")";
    }
}
