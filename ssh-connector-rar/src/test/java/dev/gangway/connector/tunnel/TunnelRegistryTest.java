package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.tunnel.FakeOwner.Probe;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunnelRegistryTest {

    private static final String CLIENT = "whrjjrqx";
    private static final String KEY = "my-app-" + CLIENT;
    private static final Duration TAKEOVER = Duration.ofSeconds(5);

    private final TunnelRegistry registry = new TunnelRegistry(URI.create("http://localhost:8080"), TAKEOVER);

    @Test
    void newKeyIsRegisteredAtOnceWithItsInfo() throws Exception {
        FakeOwner owner = owner("env-1", Probe.ALIVE);
        String meta = "{\"service\":\"web\"}";
        TunnelRequest request = TunnelRequest.streamLocal("/my-app#access=private;meta=" + b64(meta));

        CompletableFuture<Tunnel> registered = registry.register(owner, request).toCompletableFuture();

        assertTrue(registered.isDone(), "a free key needs no probe and must be decided before register returns");
        Tunnel tunnel = registered.get();
        TunnelInfo info = tunnel.info();
        assertEquals(KEY, info.key());
        assertEquals(CLIENT, info.clientId());
        assertEquals("env-1", info.envId());
        assertEquals(request.requestString(), info.requestString());
        assertEquals(TunnelAccess.PRIVATE, info.access());
        assertEquals(meta, info.metaJson());
        assertNull(info.injectJson());
        assertEquals("http://" + KEY + ".localhost:8080/", info.url());
        assertNotNull(info.openedAt());
        assertSame(tunnel, registry.find(KEY).orElseThrow());
        assertEquals(List.of(tunnel), registry.tunnelsOf(owner));
        assertEquals(List.of(tunnel), List.copyOf(registry.all()));
        assertEquals(0, owner.probes.get());
    }

    @Test
    void findIgnoresCaseAndUnknownKeysAreEmpty() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        register(owner, "/my-app");
        assertTrue(registry.find(KEY.toUpperCase()).isPresent());
        assertEquals(Optional.empty(), registry.find("other-" + CLIENT));
        assertEquals(Optional.empty(), registry.find(null));
    }

    @Test
    void tunnelDelegatesStreamsAndLivenessToItsOwner() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        Tunnel tunnel = register(owner, "/my-app#access=public");

        TunnelException e = assertThrows(TunnelException.class, () -> tunnel.openStream(Duration.ofSeconds(1)));
        assertEquals(TunnelException.Reason.REFUSED_BY_CLIENT, e.reason());
        assertEquals(List.of(TunnelRequest.streamLocal("/my-app#access=public")), owner.streamsOpened);
        assertTrue(tunnel.isOpen());
        owner.disconnect();
        assertFalse(tunnel.isOpen());
    }

    @Test
    void sameRequestTwiceOnOneConnectionIsRefused() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        Tunnel first = register(owner, "/my-app");

        TunnelRefusedException refused = refusal(registry.register(owner, TunnelRequest.streamLocal("/my-app")));

        assertTrue(refused.getMessage().contains("already forwarded on this connection"), refused.getMessage());
        assertSame(first, registry.find(KEY).orElseThrow());
        assertEquals(0, owner.probes.get(), "a connection is never probed on its own behalf");
    }

    @Test
    void sameKeyUnderOtherParametersOnOneConnectionIsADuplicatePath() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        Tunnel first = register(owner, "/my-app");

        TunnelRefusedException refused =
                refusal(registry.register(owner, TunnelRequest.streamLocal("/my-app#access=private")));

        assertTrue(refused.getMessage().startsWith("duplicate path"), refused.getMessage());
        assertSame(first, registry.find(KEY).orElseThrow());
    }

    @Test
    void namedTcpipForwardSharesTheKeySpaceWithSocketPaths() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        register(owner, "/my-app");
        TunnelRefusedException refused = refusal(registry.register(owner, TunnelRequest.namedTcpip("my-app", 80)));
        assertTrue(refused.getMessage().startsWith("duplicate path"), refused.getMessage());
    }

    @Test
    void liveHolderKeepsTheKey() throws Exception {
        FakeOwner holder = owner("old", Probe.ALIVE);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        Tunnel held = register(holder, "/my-app");

        TunnelRefusedException refused = refusal(registry.register(newcomer, TunnelRequest.streamLocal("/my-app")));

        assertTrue(refused.getMessage().contains("still alive"), refused.getMessage());
        assertEquals(1, holder.probes.get());
        assertTrue(holder.isOpen());
        assertEquals(List.of(), holder.closeReasons);
        assertSame(held, registry.find(KEY).orElseThrow());
        assertEquals(List.of(), registry.tunnelsOf(newcomer));
    }

    @Test
    void deadHolderIsClosedAndLosesTheKey() throws Exception {
        FakeOwner holder = owner("old", Probe.DEAD);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/my-app");
        register(holder, "/other"); // goes with the connection: closing it drops every tunnel it carries

        Tunnel taken = register(newcomer, "/my-app");

        assertSame(newcomer, ((RegisteredTunnel) taken).owner());
        assertSame(taken, registry.find(KEY).orElseThrow());
        assertEquals(1, holder.closeReasons.size());
        assertTrue(holder.closeReasons.get(0).contains(KEY), holder.closeReasons.get(0));
        assertFalse(holder.isOpen());
        assertEquals(List.of(), registry.tunnelsOf(holder));
        assertEquals(Optional.empty(), registry.find("other-" + CLIENT));
        assertEquals(List.of(taken), List.copyOf(registry.all()));
    }

    @Test
    void holderThatNeverAnswersLosesTheKeyAfterTheTimeout() throws Exception {
        TunnelRegistry fast = new TunnelRegistry(URI.create("http://localhost:8080"), Duration.ofMillis(300));
        FakeOwner holder = new FakeOwner(fast, CLIENT, "old", Probe.NEVER);
        FakeOwner newcomer = new FakeOwner(fast, CLIENT, "new", Probe.ALIVE);
        fast.register(holder, TunnelRequest.streamLocal("/my-app")).toCompletableFuture().get(1, TimeUnit.SECONDS);

        long start = System.nanoTime();
        CompletableFuture<Tunnel> claim = fast.register(newcomer, TunnelRequest.streamLocal("/my-app"))
                .toCompletableFuture();
        assertFalse(claim.isDone(), "the claim waits for the probe instead of blocking the caller");
        Tunnel taken = claim.get(5, TimeUnit.SECONDS);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(waitedMillis >= 250, "decided after " + waitedMillis + " ms, before the probe timed out");
        assertSame(newcomer, ((RegisteredTunnel) taken).owner());
        assertEquals(1, holder.closeReasons.size());
    }

    @Test
    void probeThatFailsCountsAsDead() throws Exception {
        FakeOwner holder = owner("old", Probe.FAILS);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/my-app");
        assertSame(newcomer, ((RegisteredTunnel) register(newcomer, "/my-app")).owner());
        assertFalse(holder.isOpen());
    }

    @Test
    void holderAlreadyClosedIsNotProbed() throws Exception {
        FakeOwner holder = owner("old", Probe.ALIVE);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/my-app");
        // Closed, but the SSH side has not yet cleaned up its tunnels.
        holder.closeReasons.clear();
        holder.setProbe(Probe.NEVER);
        holder.markClosed();

        Tunnel taken = register(newcomer, "/my-app");

        assertSame(newcomer, ((RegisteredTunnel) taken).owner());
        assertEquals(0, holder.probes.get());
    }

    @Test
    void lateCleanupOfTheOldConnectionKeepsTheNewRegistration() throws Exception {
        FakeOwner holder = owner("old", Probe.MANUAL);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/my-app");
        CompletableFuture<Tunnel> claim = registry.register(newcomer, TunnelRequest.streamLocal("/my-app"))
                .toCompletableFuture();
        holder.manualProbe.complete(false);
        Tunnel taken = claim.get(1, TimeUnit.SECONDS);

        // The old connection's own cleanup arrives late, once more, and with a cancel: none may touch the new one.
        registry.unregisterAll(holder);
        assertFalse(registry.unregister(holder, TunnelRequest.streamLocal("/my-app")));

        assertSame(taken, registry.find(KEY).orElseThrow());
        assertEquals(List.of(taken), registry.tunnelsOf(newcomer));
    }

    @Test
    void claimsOfOneKeyAreDecidedOneAfterTheOther() throws Exception {
        FakeOwner holder = owner("old", Probe.MANUAL);
        FakeOwner first = owner("first", Probe.ALIVE);
        FakeOwner second = owner("second", Probe.ALIVE);
        register(holder, "/my-app");

        CompletableFuture<Tunnel> firstClaim = registry.register(first, TunnelRequest.streamLocal("/my-app"))
                .toCompletableFuture();
        CompletableFuture<Tunnel> secondClaim = registry.register(second, TunnelRequest.streamLocal("/my-app"))
                .toCompletableFuture();
        assertFalse(firstClaim.isDone());
        assertFalse(secondClaim.isDone());
        assertEquals(1, holder.probes.get(), "the second claim waits for the first instead of probing too");

        holder.manualProbe.complete(false);

        assertSame(first, ((RegisteredTunnel) firstClaim.get(1, TimeUnit.SECONDS)).owner());
        // The second claim was decided against the new holder, which is alive.
        TunnelRefusedException refused = refusal(secondClaim);
        assertTrue(refused.getMessage().contains("still alive"), refused.getMessage());
        assertEquals(1, first.probes.get());
        assertSame(first, ((RegisteredTunnel) registry.find(KEY).orElseThrow()).owner());
        assertEquals(1, holder.closeReasons.size());
    }

    @Test
    void racingClaimantsNeverShareAKey() throws Exception {
        int claimants = 16;
        for (Probe probe : new Probe[] {Probe.ALIVE, Probe.DEAD}) {
            TunnelRegistry racing = new TunnelRegistry(URI.create("http://localhost:8080"), TAKEOVER);
            List<FakeOwner> owners = new ArrayList<>();
            for (int i = 0; i < claimants; i++) {
                owners.add(new FakeOwner(racing, CLIENT, "env-" + i, probe));
            }
            ExecutorService threads = Executors.newFixedThreadPool(claimants);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<CompletableFuture<Tunnel>>> claims = new ArrayList<>();
                for (FakeOwner owner : owners) {
                    claims.add(threads.submit(() -> {
                        start.await();
                        return racing.register(owner, TunnelRequest.streamLocal("/my-app")).toCompletableFuture();
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<CompletableFuture<Tunnel>> claim : claims) {
                    CompletableFuture<Tunnel> outcome = claim.get(5, TimeUnit.SECONDS);
                    try {
                        outcome.get(5, TimeUnit.SECONDS);
                        won++;
                    } catch (ExecutionException e) {
                        assertInstanceOf(TunnelRefusedException.class, e.getCause());
                    }
                }
                RegisteredTunnel holder = (RegisteredTunnel) racing.find(KEY).orElseThrow();
                long open = owners.stream().filter(FakeOwner::isOpen).count();
                long holding = owners.stream().filter(o -> !racing.tunnelsOf(o).isEmpty()).count();
                assertEquals(1, holding, probe + ": exactly one connection holds the key");
                assertTrue(holder.owner().isOpen(), probe + ": the holder is a live connection");
                if (probe == Probe.ALIVE) {
                    assertEquals(1, won, "a live holder keeps the key against every later claimant");
                    assertEquals(claimants, open, "nobody was closed");
                } else {
                    assertEquals(claimants, won, "each claimant took the key from a dead holder in turn");
                    assertEquals(1, open, "every earlier holder was closed");
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void unregisterNeedsTheExactRequestOfTheSameOwner() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        FakeOwner other = owner("other", Probe.ALIVE);
        register(owner, "/my-app#access=private");
        registry.register(owner, TunnelRequest.namedTcpip("web", 80)).toCompletableFuture().get();

        assertFalse(registry.unregister(owner, TunnelRequest.streamLocal("/my-app")), "other parameters");
        assertFalse(registry.unregister(other, TunnelRequest.streamLocal("/my-app#access=private")), "other owner");
        assertFalse(registry.unregister(owner, TunnelRequest.namedTcpip("web", 81)), "other port");
        assertFalse(registry.unregister(owner, TunnelRequest.streamLocal("/web")), "other kind");
        assertFalse(registry.unregister(owner, TunnelRequest.streamLocal("/unknown")), "unknown");
        assertEquals(2, registry.tunnelsOf(owner).size());

        assertTrue(registry.unregister(owner, TunnelRequest.streamLocal("/my-app#access=private")));
        assertTrue(registry.unregister(owner, TunnelRequest.namedTcpip("web", 80)));
        assertEquals(Optional.empty(), registry.find(KEY));
        assertEquals(List.of(), registry.tunnelsOf(owner));
        assertFalse(registry.unregister(owner, TunnelRequest.streamLocal("/my-app#access=private")), "twice");
    }

    @Test
    void unregisterAllRemovesOnlyThatConnectionsTunnels() throws Exception {
        FakeOwner leaving = owner("leaving", Probe.ALIVE);
        FakeOwner staying = new FakeOwner(registry, "zzzzzzzz", "staying", Probe.ALIVE);
        register(leaving, "/a");
        register(leaving, "/b");
        Tunnel kept = register(staying, "/a");

        leaving.disconnect();

        assertEquals(List.of(kept), List.copyOf(registry.all()));
        assertEquals(List.of(), registry.tunnelsOf(leaving));
    }

    @Test
    void forwardOfAClosedConnectionIsRefused() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        owner.disconnect();
        TunnelRefusedException refused = refusal(registry.register(owner, TunnelRequest.streamLocal("/my-app")));
        assertTrue(refused.getMessage().contains("closing"), refused.getMessage());
        assertEquals(Optional.empty(), registry.find(KEY));
    }

    @Test
    void claimOfAConnectionThatClosedDuringTheProbeIsRefusedAndTheHolderKept() throws Exception {
        FakeOwner holder = owner("old", Probe.MANUAL);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        Tunnel held = register(holder, "/my-app");
        CompletableFuture<Tunnel> claim = registry.register(newcomer, TunnelRequest.streamLocal("/my-app"))
                .toCompletableFuture();

        newcomer.disconnect();
        holder.manualProbe.complete(false);

        TunnelRefusedException refused = refusal(claim);
        assertTrue(refused.getMessage().contains("closing"), refused.getMessage());
        assertSame(held, registry.find(KEY).orElseThrow());
        assertEquals(List.of(), holder.closeReasons, "nobody to hand the key to, so the holder is not closed");
        assertEquals(List.of(), registry.tunnelsOf(newcomer));
    }

    @Test
    void settledWaitsForClaimsStillBeingDecided() throws Exception {
        FakeOwner holder = owner("old", Probe.MANUAL);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/my-app");
        register(newcomer, "/free");
        CompletableFuture<Tunnel> claim = registry.register(newcomer, TunnelRequest.streamLocal("/my-app"))
                .toCompletableFuture();

        CompletableFuture<Void> settled = registry.settled(newcomer).toCompletableFuture();
        assertFalse(settled.isDone());
        assertTrue(registry.settled(holder).toCompletableFuture().isDone(), "the holder has nothing pending");

        holder.manualProbe.complete(true); // alive: the claim is refused, and settled still completes normally
        settled.get(1, TimeUnit.SECONDS);
        assertTrue(claim.isCompletedExceptionally());
        assertEquals(1, registry.tunnelsOf(newcomer).size());
    }

    @Test
    void settledCompletesAtOnceWithNothingPending() throws Exception {
        FakeOwner owner = owner("env", Probe.ALIVE);
        assertTrue(registry.settled(owner).toCompletableFuture().isDone());
        register(owner, "/my-app");
        refusal(registry.register(owner, TunnelRequest.streamLocal("/my-app")));
        CompletableFuture<Void> settled = registry.settled(owner).toCompletableFuture();
        assertTrue(settled.isDone());
        assertFalse(settled.isCompletedExceptionally());
    }

    @Test
    void callerCannotDecideAClaimByCompletingTheReturnedStage() throws Exception {
        FakeOwner holder = owner("old", Probe.MANUAL);
        FakeOwner newcomer = owner("new", Probe.ALIVE);
        register(holder, "/my-app");
        CompletionStage<Tunnel> claim = registry.register(newcomer, TunnelRequest.streamLocal("/my-app"));

        claim.toCompletableFuture().complete(null);

        assertFalse(registry.settled(newcomer).toCompletableFuture().isDone());
        holder.manualProbe.complete(false);
        registry.settled(newcomer).toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertSame(newcomer, ((RegisteredTunnel) registry.find(KEY).orElseThrow()).owner());
    }

    @Test
    void listenersHearOfEveryChangeAndCannotBreakTheRegistry() throws Exception {
        List<String> events = new ArrayList<>();
        registry.addListener(new TunnelListener() {
            @Override
            public void registered(Tunnel tunnel) {
                events.add("+" + ((RegisteredTunnel) tunnel).owner().envId() + ":" + tunnel.info().key());
            }

            @Override
            public void unregistered(Tunnel tunnel) {
                events.add("-" + ((RegisteredTunnel) tunnel).owner().envId() + ":" + tunnel.info().key());
            }
        });
        registry.addListener(new TunnelListener() {
            @Override
            public void registered(Tunnel tunnel) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void unregistered(Tunnel tunnel) {
                throw new IllegalStateException("listener bug");
            }
        });
        FakeOwner holder = owner("old", Probe.DEAD);
        FakeOwner newcomer = owner("new", Probe.ALIVE);

        register(holder, "/my-app");
        register(newcomer, "/my-app");
        registry.unregister(newcomer, TunnelRequest.streamLocal("/my-app"));

        assertEquals(List.of("+old:" + KEY, "-old:" + KEY, "+new:" + KEY, "-new:" + KEY), events);
    }

    @Test
    void badSettingsAreRefusedUpFront() {
        assertThrows(IllegalArgumentException.class,
                () -> new TunnelRegistry(URI.create("http://localhost"), Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new TunnelRegistry(URI.create("no-host"), Duration.ofSeconds(5)));
    }

    private FakeOwner owner(String envId, Probe probe) {
        return new FakeOwner(registry, CLIENT, envId, probe);
    }

    private Tunnel register(FakeOwner owner, String socketPath) throws Exception {
        return registry.register(owner, TunnelRequest.streamLocal(socketPath)).toCompletableFuture()
                .get(1, TimeUnit.SECONDS);
    }

    private static TunnelRefusedException refusal(CompletionStage<Tunnel> claim)
            throws InterruptedException, TimeoutException {
        try {
            Tunnel tunnel = claim.toCompletableFuture().get(1, TimeUnit.SECONDS);
            throw new AssertionError("expected a refusal, got " + tunnel);
        } catch (ExecutionException e) {
            return assertInstanceOf(TunnelRefusedException.class, e.getCause());
        }
    }

    private static String b64(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
