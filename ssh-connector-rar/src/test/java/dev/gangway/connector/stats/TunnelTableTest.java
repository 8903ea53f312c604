package dev.gangway.connector.stats;

import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelInfo;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunnelTableTest {

    private final GatewayStatistics gateway = new GatewayStatistics();

    @Test
    void rowsAreValidJsonSortedByKeyWithEveryField() {
        TunnelStatistics web = gateway.newTunnel();
        web.channelRegistered();
        web.channelOpened();
        web.streamStarted();
        web.sentToService(120);
        web.receivedFromService(4096);
        TunnelStatistics api = gateway.newTunnel();

        JsonArray rows = parse(TunnelTable.json(List.of(
                new TunnelTable.Row(info("web-abcdefgh", "alice", TunnelAccess.PUBLIC, ALICE), web),
                new TunnelTable.Row(info("api-abcdefgh", "bob", TunnelAccess.PRIVATE, null), api))));

        assertEquals(2, rows.size());
        assertEquals("api-abcdefgh", rows.getJsonObject(0).getString("key"));
        assertEquals("private", rows.getJsonObject(0).getString("access"));
        assertTrue(rows.getJsonObject(0).isNull("owner"), "no owner outside authMode sso");
        assertTrue(rows.getJsonObject(0).isNull("ownerSubject"));
        JsonObject row = rows.getJsonObject(1);
        assertEquals("web-abcdefgh", row.getString("key"));
        assertEquals("abcdefgh", row.getString("clientId"));
        assertEquals("alice", row.getString("envId"));
        assertEquals(FINGERPRINT, row.getString("keyFingerprint"));
        assertEquals("Alice Doe", row.getString("owner"));
        assertEquals("sub-alice", row.getString("ownerSubject"));
        assertEquals("public", row.getString("access"));
        assertEquals("http://web-abcdefgh.localhost:8080/", row.getString("url"));
        assertEquals("2025-01-02T03:04:05Z", row.getString("openedAt"));
        assertEquals(1, row.getInt("activeStreams"));
        assertEquals(1, row.getInt("openChannels"));
        assertEquals(1, row.getJsonNumber("streams").longValue());
        assertEquals(1, row.getJsonNumber("channelsOpened").longValue());
        assertEquals(120, row.getJsonNumber("bytesToService").longValue());
        assertEquals(4096, row.getJsonNumber("bytesFromService").longValue());
    }

    @Test
    void anSshUserNameCannotBreakTheJson() {
        String envId = "a\"b\\c\nd\te\u0001f\u00e9";

        JsonArray rows = parse(TunnelTable.json(List.of(
                new TunnelTable.Row(info("x-abcdefgh", envId, TunnelAccess.PUBLIC, null), gateway.newTunnel()))));

        assertEquals(envId, rows.getJsonObject(0).getString("envId"));
    }

    @Test
    void noTunnelsIsAnEmptyArray() {
        assertEquals("[]", TunnelTable.json(List.of()));
    }

    private static final String FINGERPRINT = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    private static final KeyOwner ALICE = new KeyOwner("sub-alice", "Alice Doe", "alice@example.com", List.of("devs"));

    private static TunnelInfo info(String key, String envId, TunnelAccess access, KeyOwner owner) {
        return new TunnelInfo(key, "abcdefgh", envId, "/" + key, access, null, null,
                "http://" + key + ".localhost:8080/", Instant.parse("2025-01-02T03:04:05Z"), FINGERPRINT, owner,
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake");
    }

    private static JsonArray parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readArray();
        }
    }
}
