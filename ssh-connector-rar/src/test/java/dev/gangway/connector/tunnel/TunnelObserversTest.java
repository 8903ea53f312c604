package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.api.TunnelObserver;
import dev.gangway.connector.tunnel.FakeOwner.Probe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the audit log's observer is told by the registry: who opened a tunnel from where, and why it closed. */
class TunnelObserversTest {

    private static final String CLIENT = "whrjjrqx";
    private static final String KEY = "web-" + CLIENT;

    private final TunnelRegistry registry =
            new TunnelRegistry(URI.create("http://localhost:8080"), Duration.ofSeconds(5));
    private final TunnelObservers observers = new TunnelObservers();
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void observe() {
        registry.addListener(observers);
        observers.add(recorder);
    }

    @Test
    void anOpenedTunnelIsReportedWithItsInfoAndTheClientsAddress() throws Exception {
        FakeOwner owner = owner("env-1", Probe.ALIVE);

        register(owner, "/web#access=private");

        assertEquals(List.of("opened " + KEY + " private from " + owner.remoteAddress()), recorder.events);
    }

    @Test
    void aCancelledForwardIsReportedAsCancelledByTheClient() throws Exception {
        FakeOwner owner = owner("env-1", Probe.ALIVE);
        register(owner, "/web");

        assertTrue(registry.unregister(owner, TunnelRequest.streamLocal("/web")));

        assertEquals("closed " + KEY + " from " + owner.remoteAddress() + ": " + TunnelObservers.CANCELLED,
                recorder.events.get(1));
    }

    @Test
    void aConnectionTheClientEndedClosesEachOfItsTunnelsWithThatReason() throws Exception {
        FakeOwner owner = owner("env-1", Probe.ALIVE);
        register(owner, "/web");
        register(owner, "/api");

        owner.disconnect();

        assertEquals(List.of(
                "closed " + KEY + " from " + owner.remoteAddress() + ": " + TunnelObservers.CONNECTION_CLOSED,
                "closed api-" + CLIENT + " from " + owner.remoteAddress() + ": " + TunnelObservers.CONNECTION_CLOSED),
                recorder.events.subList(2, 4));
    }

    @Test
    void aTakenOverTunnelIsReportedWithTheServersReasonAndTheNewOneAsOpenedFromItsOwnAddress() throws Exception {
        FakeOwner holder = owner("old", Probe.DEAD);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/web");
        register(holder, "/api");

        register(newcomer, "/web");

        // The holder's other tunnel goes as its connection closes, with the same reason.
        String reason = holder.closedBecause();
        assertTrue(reason.contains("taken over"), reason);
        assertEquals(List.of(
                "opened " + KEY + " public from " + holder.remoteAddress(),
                "opened api-" + CLIENT + " public from " + holder.remoteAddress(),
                "closed api-" + CLIENT + " from " + holder.remoteAddress() + ": " + reason,
                "closed " + KEY + " from " + holder.remoteAddress() + ": " + reason,
                "opened " + KEY + " public from " + newcomer.remoteAddress()), recorder.events);
    }

    @Test
    void aFailingObserverIsLoggedAndTheOthersAreStillTold() throws Exception {
        observers.add(new TunnelObserver() {
            @Override
            public void opened(TunnelInfo tunnel, String from) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void closed(TunnelInfo tunnel, String from, String reason) {
                throw new IllegalStateException("observer bug");
            }
        });
        Recorder last = new Recorder();
        observers.add(last);
        FakeOwner owner = owner("env-1", Probe.ALIVE);

        register(owner, "/web");
        owner.disconnect();

        assertEquals(2, recorder.events.size());
        assertEquals(recorder.events, last.events);
        assertTrue(registry.all().isEmpty(), "the registry is unaffected");
    }

    @Test
    void aRemovedObserverHearsNothingMore() throws Exception {
        FakeOwner owner = owner("env-1", Probe.ALIVE);
        register(owner, "/web");

        observers.remove(recorder);
        owner.disconnect();

        assertEquals(1, recorder.events.size());
    }

    @Test
    void theServersReasonWinsOverWhatTheConnectionLooksLike() {
        assertEquals("key revoked", TunnelObservers.closeReason(false, "key revoked"));
        assertEquals("key revoked", TunnelObservers.closeReason(true, "key revoked"),
                "the registry may tell before the close shows");
        assertEquals(TunnelObservers.CANCELLED, TunnelObservers.closeReason(true, null));
        assertEquals(TunnelObservers.CONNECTION_CLOSED, TunnelObservers.closeReason(false, null));
        assertEquals(TunnelObservers.CONNECTION_CLOSED, TunnelObservers.closeReason(false, " "));
    }

    private FakeOwner owner(String envId, Probe probe) {
        return new FakeOwner(registry, CLIENT, envId, probe);
    }

    private void register(FakeOwner owner, String socketPath) throws Exception {
        registry.register(owner, TunnelRequest.streamLocal(socketPath)).toCompletableFuture().get(1, TimeUnit.SECONDS);
    }

    private static final class Recorder implements TunnelObserver {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void opened(TunnelInfo tunnel, String from) {
            events.add("opened " + tunnel.key() + " " + tunnel.access().name().toLowerCase() + " from " + from);
        }

        @Override
        public void closed(TunnelInfo tunnel, String from, String reason) {
            events.add("closed " + tunnel.key() + " from " + from + ": " + reason);
        }
    }
}
