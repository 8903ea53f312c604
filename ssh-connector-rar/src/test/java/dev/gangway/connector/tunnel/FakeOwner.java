package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.stats.TunnelStatistics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for one SSH connection, for the registry's pure-logic tests. Its liveness probe answers as told; closing
 * it does what the SSH side does: the connection reports closed, then its tunnels are unregistered.
 */
final class FakeOwner implements TunnelOwner {

    enum Probe { ALIVE, DEAD, NEVER, FAILS, MANUAL }

    private final String clientId;
    private final String envId;
    private final TunnelRegistry registry;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile Probe probe;
    final AtomicInteger probes = new AtomicInteger();
    final List<String> closeReasons = new CopyOnWriteArrayList<>();
    final List<TunnelRequest> streamsOpened = new CopyOnWriteArrayList<>();
    /** For {@link Probe#MANUAL}: the probe the test answers. */
    final CompletableFuture<Boolean> manualProbe = new CompletableFuture<>();

    FakeOwner(TunnelRegistry registry, String clientId, String envId, Probe probe) {
        this.registry = registry;
        this.clientId = clientId;
        this.envId = envId;
        this.probe = probe;
    }

    void setProbe(Probe probe) {
        this.probe = probe;
    }

    /** The connection is gone, but the SSH side has not cleaned up its tunnels yet. */
    void markClosed() {
        open.set(false);
    }

    /** The client disconnected on its own. */
    void disconnect() {
        open.set(false);
        registry.unregisterAll(this);
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public String envId() {
        return envId;
    }

    @Override
    public String keyFingerprint() {
        return "SHA256:fake-" + clientId;
    }

    @Override
    public String publicKeyLine() {
        return "ssh-ed25519 fake-" + clientId;
    }

    @Override
    public KeyOwner keyOwner() {
        return null;
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public CompletionStage<Boolean> probeAlive(Duration timeout) {
        probes.incrementAndGet();
        switch (probe) {
            case ALIVE:
                return CompletableFuture.completedFuture(true);
            case DEAD:
                return CompletableFuture.completedFuture(false);
            case NEVER:
                return new CompletableFuture<>();
            case FAILS:
                return CompletableFuture.failedFuture(new IllegalStateException("channel broken"));
            default:
                return manualProbe;
        }
    }

    @Override
    public String remoteAddress() {
        return "192.0.2.1:" + (40000 + Math.floorMod(envId.hashCode(), 20000));
    }

    @Override
    public String closedBecause() {
        return closeReasons.isEmpty() ? null : closeReasons.get(0);
    }

    @Override
    public void closeNow(String reason) {
        closeReasons.add(reason);
        disconnect();
    }

    @Override
    public TunnelStream openStream(TunnelRequest request, Duration timeout, TunnelStatistics statistics)
            throws TunnelException {
        streamsOpened.add(request);
        throw new TunnelException(TunnelException.Reason.REFUSED_BY_CLIENT, "fake: nothing listens");
    }

    @Override
    public String toString() {
        return "owner " + envId + "@" + clientId;
    }
}
