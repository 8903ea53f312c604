package dev.gangway.connector.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one registered tunnel: its channels, its visitor streams and the bytes they moved. Created with
 * the registration and dropped with it. Every update also goes to the {@link GatewayStatistics} it came from.
 *
 * <p>Called where the events happen: channel registration and close on the SSH side, stream start and end where the
 * pool hands out and takes back a connection, bytes in the completion of each channel read and write. Same cost as
 * the gateway's counters: no lock, no allocation.
 */
public final class TunnelStatistics {

    private final GatewayStatistics gateway;
    private final LongAdder openChannels = new LongAdder();
    private final LongAdder channelsOpened = new LongAdder();
    private final LongAdder activeStreams = new LongAdder();
    private final LongAdder streams = new LongAdder();
    private final LongAdder bytesToService = new LongAdder();
    private final LongAdder bytesFromService = new LongAdder();

    TunnelStatistics(GatewayStatistics gateway) {
        this.gateway = gateway;
    }

    /** A channel to the tunnel client exists (registered with the session) until {@link #channelClosed()}. */
    public void channelRegistered() {
        openChannels.increment();
        gateway.channelRegistered();
    }

    public void channelClosed() {
        openChannels.decrement();
        gateway.channelClosed();
    }

    /** The client accepted a channel. */
    public void channelOpened() {
        channelsOpened.increment();
        gateway.channelOpened();
    }

    /** A visitor stream got a connection to this tunnel; ends with {@link #streamEnded()}. */
    public void streamStarted() {
        activeStreams.increment();
        streams.increment();
        gateway.streamStarted();
    }

    public void streamEnded() {
        activeStreams.decrement();
        gateway.streamEnded();
    }

    public void sentToService(long bytes) {
        bytesToService.add(bytes);
        gateway.sentToService(bytes);
    }

    public void receivedFromService(long bytes) {
        bytesFromService.add(bytes);
        gateway.receivedFromService(bytes);
    }

    public int openChannels() {
        return (int) openChannels.sum();
    }

    public long channelsOpened() {
        return channelsOpened.sum();
    }

    public int activeStreams() {
        return (int) activeStreams.sum();
    }

    public long streams() {
        return streams.sum();
    }

    public long bytesToService() {
        return bytesToService.sum();
    }

    public long bytesFromService() {
        return bytesFromService.sum();
    }

    /** As {@link GatewayStatistics#clearTotals()}, for this tunnel's own totals. */
    public void clearTotals() {
        channelsOpened.reset();
        streams.reset();
        bytesToService.reset();
        bytesFromService.reset();
    }
}
