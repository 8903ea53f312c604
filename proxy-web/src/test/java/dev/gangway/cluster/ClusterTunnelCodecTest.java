package dev.gangway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelInfo;

class ClusterTunnelCodecTest {

    static ClusterTunnel tunnel(String key, String node, KeyOwner owner) {
        TunnelInfo info = new TunnelInfo(key, "abc123", "env-1", "/web#access=private&meta=x",
                TunnelAccess.PRIVATE, "{\"a\":\"b \\\" é\"}", "[{\"src\":\"x.js\"}]",
                "http://" + key + ".localhost:8080", Instant.parse("2026-12-01T03:04:05.123456789Z"),
                "SHA256:abcDEF+/x", owner, "ssh-ed25519 AAAAC3Nza");
        return new ClusterTunnel(info, node, "127.0.0.1:7700");
    }

    @Test
    void roundTripsEveryField() {
        ClusterTunnel original = tunnel("web-abc123", "node1",
                new KeyOwner("sub-1", "Ann", "ann@example.com", List.of("devs", "gangway-users")));
        String json = ClusterTunnelCodec.encode(original);
        assertEquals(original, ClusterTunnelCodec.decode(json));
    }

    @Test
    void roundTripsAbsentOptionalFields() {
        TunnelInfo info = new TunnelInfo("web-abc123", "abc123", null, "/web", TunnelAccess.PUBLIC, null, null,
                "http://web-abc123.localhost:8080", Instant.EPOCH, "SHA256:x", null, "ssh-rsa AAAA");
        ClusterTunnel original = new ClusterTunnel(info, "node2", "10.0.0.2:7800");
        assertEquals(original, ClusterTunnelCodec.decode(ClusterTunnelCodec.encode(original)));
        assertFalse(ClusterTunnelCodec.encode(original).contains("owner"));
    }

    @Test
    void ownerWithoutEmailAndGroups() {
        ClusterTunnel original = tunnel("web-abc123", "node1", new KeyOwner("sub-1", null, null, null));
        ClusterTunnel decoded = ClusterTunnelCodec.decode(ClusterTunnelCodec.encode(original));
        assertEquals(original, decoded);
        assertEquals("sub-1", decoded.info().owner().displayName());
        assertEquals(List.of(), decoded.info().owner().groups());
    }

    @Test
    void equalEntriesGiveEqualStringsAndDifferentNodesDifferentOnes() {
        assertEquals(ClusterTunnelCodec.encode(tunnel("k-1", "node1", null)),
                ClusterTunnelCodec.encode(tunnel("k-1", "node1", null)));
        assertNotEquals(ClusterTunnelCodec.encode(tunnel("k-1", "node1", null)),
                ClusterTunnelCodec.encode(tunnel("k-1", "node2", null)));
    }

    @Test
    void malformedInputIsRefusedWithAClearError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterTunnelCodec.decode("{not json"))
                .getMessage().startsWith("not a JSON object"));
        assertThrows(IllegalArgumentException.class, () -> ClusterTunnelCodec.decode("[1,2]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClusterTunnelCodec.decode("{\"v\":1,\"node\":\"n\"}")).getMessage()
                .startsWith("not a tunnel entry"));
        String wrongType = ClusterTunnelCodec.encode(tunnel("k-1", "node1", null)).replace("\"v\":1", "\"v\":\"1\"");
        assertThrows(IllegalArgumentException.class, () -> ClusterTunnelCodec.decode(wrongType));
        String badInstant = ClusterTunnelCodec.encode(tunnel("k-1", "node1", null))
                .replace("2026-12-01T03:04:05.123456789Z", "yesterday");
        assertThrows(IllegalArgumentException.class, () -> ClusterTunnelCodec.decode(badInstant));
    }

    @Test
    void anotherFormatVersionIsRefusedButItsNodeStillRead() {
        String newer = ClusterTunnelCodec.encode(tunnel("k-1", "node1", null)).replace("\"v\":1", "\"v\":2");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterTunnelCodec.decode(newer))
                .getMessage().contains("version 2"));
        assertEquals(Optional.of("node1"), ClusterTunnelCodec.nodeOf(newer));
    }

    @Test
    void nodeOfIsEmptyForStringsNamingNoNode() {
        assertEquals(Optional.empty(), ClusterTunnelCodec.nodeOf("garbage"));
        assertEquals(Optional.empty(), ClusterTunnelCodec.nodeOf("{\"node\":7}"));
        assertEquals(Optional.empty(), ClusterTunnelCodec.nodeOf("{}"));
    }
}
