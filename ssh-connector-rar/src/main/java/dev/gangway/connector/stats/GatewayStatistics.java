package dev.gangway.connector.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Gateway-wide live counts: SSH connections, channels to tunnel clients, visitor streams and the bytes they moved.
 * One instance per started adapter, kept by the tunnel registry; every {@link TunnelStatistics} adds to it as well
 * as to its own counters, so the totals keep the traffic of tunnels that have closed since.
 *
 * <p>Gauges ({@link #sshConnections}, {@link #openChannels}, {@link #activeStreams}) go up and down in pairs and
 * must come back to where they were once the traffic that moved them has ended: that is what leak checks read.
 * Totals only grow, until {@link #clearTotals()}.
 *
 * <p>Counters are {@link LongAdder}s: updated on SSH I/O threads and pool threads at every completed read and write,
 * read only when someone looks. An update takes no lock and, once a thread has its cell, allocates nothing.
 */
public final class GatewayStatistics {

    private final LongAdder sshConnections = new LongAdder();
    private final LongAdder openChannels = new LongAdder();
    private final LongAdder channelsOpened = new LongAdder();
    private final LongAdder activeStreams = new LongAdder();
    private final LongAdder streams = new LongAdder();
    private final LongAdder bytesToServices = new LongAdder();
    private final LongAdder bytesFromServices = new LongAdder();
    private final LongAdder tlsToSsh = new LongAdder();
    private final LongAdder tlsToHttps = new LongAdder();
    private final LongAdder tlsRefused = new LongAdder();

    /** Counters for a tunnel the registry just registered. */
    public TunnelStatistics newTunnel() {
        return new TunnelStatistics(this);
    }

    public void sshConnectionOpened() {
        sshConnections.increment();
    }

    public void sshConnectionClosed() {
        sshConnections.decrement();
    }

    void channelRegistered() {
        openChannels.increment();
    }

    void channelClosed() {
        openChannels.decrement();
    }

    void channelOpened() {
        channelsOpened.increment();
    }

    void streamStarted() {
        activeStreams.increment();
        streams.increment();
    }

    void streamEnded() {
        activeStreams.decrement();
    }

    void sentToService(long bytes) {
        bytesToServices.add(bytes);
    }

    void receivedFromService(long bytes) {
        bytesFromServices.add(bytes);
    }

    /** SSH connections open now, logged in or not yet. */
    public int sshConnections() {
        return (int) sshConnections.sum();
    }

    /** SSH channels to tunnel clients open now: carrying a visitor stream, kept for reuse, or still being opened. */
    public int openChannels() {
        return (int) openChannels.sum();
    }

    /** Channels a tunnel client accepted since start (or the last clear). */
    public long channelsOpened() {
        return channelsOpened.sum();
    }

    /** Visitor streams (one request and its response, or an upgraded connection) in flight now. */
    public int activeStreams() {
        return (int) activeStreams.sum();
    }

    /** Visitor streams started since start (or the last clear). */
    public long streams() {
        return streams.sum();
    }

    /** Bytes written into tunnel channels, towards the services (request heads and bodies). */
    public long bytesToServices() {
        return bytesToServices.sum();
    }

    /** Bytes read from tunnel channels, from the services (response heads and bodies). */
    public long bytesFromServices() {
        return bytesFromServices.sum();
    }

    /** A TLS front door connection was routed: to the SSH server ({@code ssh}) or to the https listener. */
    public void tlsRouted(boolean ssh) {
        (ssh ? tlsToSsh : tlsToHttps).increment();
    }

    /** The TLS front door dropped a connection before routing it or in its SSH over TLS handshake. */
    public void tlsConnectionRefused() {
        tlsRefused.increment();
    }

    /** TLS front door connections sent to the SSH server since start (or the last clear). */
    public long tlsToSsh() {
        return tlsToSsh.sum();
    }

    /** TLS front door connections passed to the https listener since start (or the last clear). */
    public long tlsToHttps() {
        return tlsToHttps.sum();
    }

    /** TLS front door connections dropped (not TLS, malformed, oversize, stalled) since start (or the last clear). */
    public long tlsRefused() {
        return tlsRefused.sum();
    }

    /**
     * Zeroes the totals, not the gauges: a gauge counts what is open now, and zeroing it would make every later close
     * drive it negative. Updates racing with the clear may be kept or lost; these are statistics.
     */
    public void clearTotals() {
        channelsOpened.reset();
        streams.reset();
        bytesToServices.reset();
        bytesFromServices.reset();
        tlsToSsh.reset();
        tlsToHttps.reset();
        tlsRefused.reset();
    }
}
