package dev.gangway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DepartedHoldersTest {

    private static final String A1 = ClusterTunnelCodec.encode(ClusterTunnelCodecTest.tunnel("a-1", "node1", null));
    private static final String B1 = ClusterTunnelCodec.encode(ClusterTunnelCodecTest.tunnel("b-1", "node2", null));
    private static final String C1 = ClusterTunnelCodec.encode(ClusterTunnelCodecTest.tunnel("c-1", "node3", null));

    @Test
    void selectsTheEntriesOfNodesOutsideTheView() {
        Map<String, String> entries = Map.of("a-1", A1, "b-1", B1, "c-1", C1);
        assertEquals(Map.of("b-1", B1, "c-1", C1), DepartedHolders.select(entries, Set.of("node1")));
    }

    @Test
    void selectsNothingWhenEveryHolderIsAMember() {
        Map<String, String> entries = Map.of("a-1", A1, "b-1", B1);
        assertEquals(Map.of(), DepartedHolders.select(entries, Set.of("node1", "node2", "node9")));
    }

    @Test
    void leavesEntriesNamingNoNodeAlone() {
        Map<String, String> entries = Map.of("x-1", "not json", "y-1", "{\"v\":3}", "b-1", B1);
        assertEquals(Map.of("b-1", B1), DepartedHolders.select(entries, Set.of("node1")));
    }

    @Test
    void aDepartedNodesPeerAddressGoesWithItsTunnels() {
        String node2Address = ClusterTunnelCodec.encodePeerAddress("node2", "10.0.0.2:7650");
        String node1Address = ClusterTunnelCodec.encodePeerAddress("node1", "10.0.0.1:7650");
        Map<String, String> entries = Map.of("a-1", A1, "b-1", B1, "peer-address/node1", node1Address,
                "peer-address/node2", node2Address);
        assertEquals(Map.of("b-1", B1, "peer-address/node2", node2Address),
                DepartedHolders.select(entries, Set.of("node1")));
        assertEquals(java.util.Optional.of("10.0.0.2:7650"), ClusterTunnelCodec.peerAddressOf(node2Address));
        assertEquals(java.util.Optional.empty(), ClusterTunnelCodec.peerAddressOf("not json"));
    }

    @Test
    void anEmptyViewDepartsEveryone() {
        assertEquals(Map.of("a-1", A1), DepartedHolders.select(Map.of("a-1", A1), Set.of()));
    }
}
