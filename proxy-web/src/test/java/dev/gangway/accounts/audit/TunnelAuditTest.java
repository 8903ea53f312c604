package dev.gangway.accounts.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelInfo;

/** The audit lines of tunnels opened and closed, as the audit category receives them (here via java.util.logging). */
class TunnelAuditTest {

    private static final KeyOwner ALICE = new KeyOwner("sub-a1", "alice", "alice@example.com", List.of("devs"));

    private final Logger category = Logger.getLogger("dev.gangway.audit");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        category.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        category.removeHandler(capture);
    }

    @Test
    void anOpenedTunnelOfAnOwnedKeySaysWhoWhatAndFromWhere() {
        new TunnelAudit().opened(tunnel(ALICE, "laptop"), "127.0.0.1:50122");

        assertEquals(List.of("GANGWAY3307: event=tunnel-opened owner=alice subject=sub-a1 key=SHA256:abc client-id=k5iw34hw"
                + " ssh-user=laptop tunnel=web-k5iw34hw url=http://web-k5iw34hw.localhost:8080/ access=private"
                + " from=127.0.0.1:50122"), lines);
    }

    @Test
    void aClosedTunnelOfAKeyWithoutOwnerSaysWhyAndCannotBeForgedByTheSshUserName() {
        new TunnelAudit().closed(tunnel(null, "x event=key-removed\nfake"), "[::1]:40000",
                "tunnel web was \"taken over\"");

        assertEquals(List.of("GANGWAY3308: event=tunnel-closed owner=- subject=- key=SHA256:abc client-id=k5iw34hw"
                + " ssh-user=x_event=key-removed_fake tunnel=web-k5iw34hw url=http://web-k5iw34hw.localhost:8080/"
                + " access=private reason=\"tunnel web was 'taken over'\" from=[::1]:40000"), lines);
    }

    private static TunnelInfo tunnel(KeyOwner owner, String envId) {
        return new TunnelInfo("web-k5iw34hw", "k5iw34hw", envId, "/web#access=private", TunnelAccess.PRIVATE, null, null,
                "http://web-k5iw34hw.localhost:8080/", Instant.now(), "SHA256:abc", owner, "ssh-ed25519 AAAA");
    }
}
