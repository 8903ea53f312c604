package dev.gangway.connector.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GatewayStatisticsTest {

    private final GatewayStatistics gateway = new GatewayStatistics();

    @Test
    void tunnelCountersAddUpInTheGatewayAndOutliveTheirTunnel() {
        TunnelStatistics a = gateway.newTunnel();
        TunnelStatistics b = gateway.newTunnel();
        a.channelRegistered();
        a.channelOpened();
        a.streamStarted();
        a.sentToService(10);
        b.channelRegistered();
        b.streamStarted();
        b.receivedFromService(7);

        assertEquals(2, gateway.openChannels());
        assertEquals(2, gateway.activeStreams());
        assertEquals(1, a.activeStreams());
        assertEquals(10, a.bytesToService());
        assertEquals(0, a.bytesFromService());

        a.streamEnded();
        a.channelClosed();
        b.streamEnded();
        b.channelClosed();

        assertEquals(0, gateway.openChannels());
        assertEquals(0, gateway.activeStreams());
        assertEquals(2, gateway.streams(), "totals keep what ended");
        assertEquals(1, gateway.channelsOpened());
        assertEquals(10, gateway.bytesToServices());
        assertEquals(7, gateway.bytesFromServices());
    }

    @Test
    void clearingZeroesTotalsButNotWhatIsOpen() {
        TunnelStatistics a = gateway.newTunnel();
        gateway.sshConnectionOpened();
        a.channelRegistered();
        a.channelOpened();
        a.streamStarted();
        a.sentToService(5);

        gateway.clearTotals();
        a.clearTotals();

        assertEquals(1, gateway.sshConnections());
        assertEquals(1, gateway.openChannels());
        assertEquals(1, gateway.activeStreams());
        assertEquals(1, a.activeStreams());
        assertEquals(0, gateway.streams());
        assertEquals(0, gateway.bytesToServices());
        assertEquals(0, a.bytesToService());
        assertEquals(0, a.channelsOpened());

        a.streamEnded();
        assertEquals(0, gateway.activeStreams(), "a stream open across the clear still ends at zero");
    }
}
