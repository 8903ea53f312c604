package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.stats.GatewayStatistics;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Which connection holds which tunnel key, in memory, with PROTOCOL.md's rules for a key registered twice.
 *
 * <p>Concurrency: {@link #find} and {@link #all} read a concurrent map and never wait. Every change happens under
 * one short lock that never covers a call into a {@link TunnelOwner} or a listener. Claims of the same key are
 * queued: a claim starts only once the previous claim of that key is decided, so two claimants racing for a key
 * (say, a client that reconnected twice) are decided one after the other and the key is never handed out twice.
 *
 * <p>Nothing here blocks the caller: {@link #register} is called on an SSH I/O thread. When the key's holder must be
 * probed, the claim is decided later, on the thread that completes the probe (an SSH I/O thread) or, if the probe
 * never answers, on the JDK's shared {@link CompletableFuture} delay scheduler (a daemon thread the JDK owns and
 * keeps idle otherwise; using it spares the adapter a scheduler of its own for a rare timeout). Dependents of the
 * returned stages therefore run on such threads too and must not block.
 *
 * <p>Cluster: while a {@link ClusterLink} is registered ({@link #useCluster}), a key no local connection holds is
 * installed only once it is filed in the cluster directory ({@link ClusterFiling}: a key held on another node is
 * decided with that node), a tunnel leaving the registry is released there, and {@link #find} / {@link #all} also
 * answer with the other nodes' tunnels ({@link ClusterPeers#remote}). The local map stays the authority on this
 * node's own connections.
 */
public final class TunnelRegistry implements TunnelDirectory {

    private static final TunnelLogger LOG = TunnelLogger.LOG;

    private final URI baseUrl;
    private final Duration takeoverTimeout;

    /** Guards every write to {@link #byKey} and all of {@link #owners} and {@link #claims}. */
    private final Object lock = new Object();
    /** Key to live tunnel. Written under {@link #lock}, read without it. */
    private final ConcurrentMap<String, RegisteredTunnel> byKey = new ConcurrentHashMap<>();
    /** Owners compared by identity: two connections of the same client are two owners. */
    private final Map<TunnelOwner, OwnerState> owners = new IdentityHashMap<>();
    /** Key to the last claim queued for it; removed once that claim is decided and nobody queued behind it. */
    private final Map<String, CompletableFuture<Tunnel>> claims = new HashMap<>();
    private final List<TunnelListener> listeners = new CopyOnWriteArrayList<>();
    /** Lives as long as the registry, i.e. as long as the adapter is started: the totals count from its start. */
    private final GatewayStatistics statistics = new GatewayStatistics();
    private final ClusterFiling filing;
    /** The cluster while one is registered, else {@code null}: a single node. */
    private volatile ClusterLink cluster;
    private final RemoteTunnels remotes = new RemoteTunnels();

    /**
     * @param baseUrl         the public base URL tunnel URLs are derived from
     * @param takeoverTimeout how long a key's holder has to answer the liveness probe when another connection claims
     *                        its key
     */
    public TunnelRegistry(URI baseUrl, Duration takeoverTimeout) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.takeoverTimeout = Objects.requireNonNull(takeoverTimeout, "takeoverTimeout");
        if (takeoverTimeout.isNegative() || takeoverTimeout.isZero()) {
            throw new IllegalArgumentException("takeoverTimeout must be positive, not " + takeoverTimeout);
        }
        TunnelUrls.root(baseUrl); // fail now, not on the first forward, if the base URL cannot make tunnel URLs
        this.filing = new ClusterFiling(this, takeoverTimeout);
    }

    public void addListener(TunnelListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(TunnelListener listener) {
        listeners.remove(listener);
    }

    /** The key {@code request} gets on a connection of client {@code clientId}. */
    public static String keyOf(TunnelRequest request, String clientId) {
        return TunnelKeys.key(request.name(), clientId);
    }

    /** The public URL of the tunnel with this key. */
    public String urlOf(String key) {
        return TunnelUrls.url(baseUrl, key);
    }

    /**
     * Claims the request's key for {@code owner}. Completes with the registered tunnel, or exceptionally with a
     * {@link TunnelRefusedException} whose message is for the client: the same forward again on this connection;
     * the same key from this connection under another request ("duplicate path"); the key held by another
     * connection that answered the liveness probe. A holder that did not answer in time is closed and loses the key.
     */
    public CompletionStage<Tunnel> register(TunnelOwner owner, TunnelRequest request) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(request, "request");
        String key = keyOf(request, owner.clientId());
        CompletableFuture<Tunnel> result = new CompletableFuture<>();
        CompletableFuture<Tunnel> previous;
        synchronized (lock) {
            previous = claims.put(key, result);
            owners.computeIfAbsent(owner, o -> new OwnerState()).pending.add(result);
        }
        result.whenComplete((tunnel, failure) -> claimDecided(owner, key, result));
        if (previous == null) {
            guarded(result, () -> claim(owner, request, key, result));
        } else {
            previous.whenComplete((tunnel, failure) -> guarded(result, () -> claim(owner, request, key, result)));
        }
        // A read-only view: the caller must not be able to complete the future the next claimant waits on.
        return result.minimalCompletionStage();
    }

    /**
     * {@code cancel-streamlocal-forward@openssh.com} / {@code cancel-tcpip-forward}: removes the tunnel if this owner
     * holds exactly this request (kind, request string and port).
     *
     * @return whether something was removed; {@code false} means the client's cancel must be refused
     */
    public boolean unregister(TunnelOwner owner, TunnelRequest request) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(request, "request");
        String key = keyOf(request, owner.clientId());
        RegisteredTunnel removed;
        synchronized (lock) {
            OwnerState state = owners.get(owner);
            removed = state == null ? null : state.held.get(key);
            if (removed == null || !removed.request().equals(request)) {
                return false;
            }
            state.held.remove(key);
            byKey.remove(key, removed);
            forgetIfIdle(owner, state);
        }
        releaseFromCluster(removed);
        fire(removed, false);
        return true;
    }

    /**
     * The connection closed: its tunnels go at once. Only entries this owner still holds are removed, so a late
     * cleanup never removes the registration of a connection that took a key over. Forwards of this owner still
     * being decided will be refused.
     */
    public void unregisterAll(TunnelOwner owner) {
        Objects.requireNonNull(owner, "owner");
        List<RegisteredTunnel> removed;
        synchronized (lock) {
            OwnerState state = owners.get(owner);
            if (state == null) {
                return;
            }
            state.closed = true;
            removed = new ArrayList<>(state.held.values());
            for (RegisteredTunnel tunnel : removed) {
                byKey.remove(tunnel.info().key(), tunnel);
            }
            state.held.clear();
            forgetIfIdle(owner, state);
        }
        removed.forEach(tunnel -> {
            releaseFromCluster(tunnel);
            fire(tunnel, false);
        });
    }

    /** The tunnels this owner holds now, in the order they were registered. */
    public List<Tunnel> tunnelsOf(TunnelOwner owner) {
        synchronized (lock) {
            OwnerState state = owners.get(owner);
            return state == null ? List.of() : List.copyOf(state.held.values());
        }
    }

    /** Whether this owner holds no tunnel and has no forward being decided. */
    public boolean holdsNothing(TunnelOwner owner) {
        synchronized (lock) {
            OwnerState state = owners.get(owner);
            return state == null || (state.held.isEmpty() && state.pending.isEmpty());
        }
    }

    /**
     * Completes once every {@link #register} of this owner called before this method has been decided, either way;
     * never exceptionally. {@code hello} waits on it so that it reports forwards the client sent just before it.
     */
    public CompletionStage<Void> settled(TunnelOwner owner) {
        CompletableFuture<?>[] pending;
        synchronized (lock) {
            OwnerState state = owners.get(owner);
            pending = state == null ? new CompletableFuture<?>[0] : state.pending.toArray(new CompletableFuture<?>[0]);
        }
        return CompletableFuture.allOf(pending).<Void>handle((ignored, failure) -> null).minimalCompletionStage();
    }

    /** This node's tunnel for the key, if a connection of this node holds it; never another node's. */
    public Optional<RegisteredTunnel> findLocal(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(byKey.get(key.toLowerCase(Locale.ROOT)));
    }

    /** This node's tunnel, else, in a cluster, the tunnel another node in the view holds. */
    @Override
    public Optional<Tunnel> find(String key) {
        Optional<Tunnel> local = findLocal(key).map(Tunnel.class::cast);
        ClusterLink link = cluster;
        if (local.isPresent() || link == null || key == null) {
            return local;
        }
        return remotes.find(link, key.toLowerCase(Locale.ROOT));
    }

    /** This node's tunnels and, in a cluster, every other node's in the view. */
    @Override
    public Collection<Tunnel> all() {
        ClusterLink link = cluster;
        if (link == null) {
            return List.copyOf(byKey.values());
        }
        List<Tunnel> all = new ArrayList<>(byKey.values());
        all.addAll(remotes.all(link, byKey::containsKey));
        return all;
    }

    /** This node's own tunnels only. */
    public Collection<RegisteredTunnel> allLocal() {
        return List.copyOf(byKey.values());
    }

    /**
     * From now on files this node's tunnels in {@code link}'s directory and finds other nodes' there. Joining is a
     * re-assertion ({@link #reassert}): the tunnels held already are filed at once (a key another node filed
     * meanwhile is decided by the merge rule), and entries naming this node that it does not hold are released. The
     * latter are left by an earlier life of this node, restarted under the same name before the cluster noticed it
     * had gone (a crash followed by a quick restart): their holder's view change never came, so nobody else removes
     * them.
     */
    public void useCluster(ClusterLink link) {
        Objects.requireNonNull(link, "link");
        cluster = link;
        remotes.clear();
        reassert();
    }

    /**
     * Unregisters {@code directory} if it is the registered one: this node's entries are released there first, so
     * other nodes stop routing here at once; from then on the registry is node-local.
     *
     * @return whether it was the registered one
     */
    public boolean clearCluster(TunnelCluster directory) {
        ClusterLink link = cluster;
        if (link == null || link.directory() != directory) {
            return false;
        }
        releaseAllFromCluster();
        cluster = null;
        remotes.clear();
        return true;
    }

    /** The registered cluster, or {@code null}. */
    public ClusterLink cluster() {
        return cluster;
    }

    /** Releases every entry this node filed, keeping the tunnels here (graceful stop: other nodes stop routing here). */
    public void releaseAllFromCluster() {
        for (RegisteredTunnel tunnel : allLocal()) {
            releaseFromCluster(tunnel);
        }
    }

    /**
     * On joining and after partitions merged: entries naming this node that it does not hold are released (no stale
     * resurrection),
     * and every tunnel it holds is filed again, conflicts decided by the rule ({@link ClusterFiling#keeps}).
     */
    public void reassert() {
        ClusterLink link = cluster;
        if (link == null) {
            return;
        }
        int stale = 0;
        for (ClusterTunnel entry : link.directory().all()) {
            // A held tunnel filed differently is filed again below, which replaces that entry by take-over. A key
            // with a claim in progress may be filed already and installed in a moment: not stale.
            if (entry.node().equals(link.localNode()) && !heldOrClaimed(entry.key())) {
                link.directory().release(entry);
                stale++;
            }
        }
        if (stale > 0) {
            LOG.staleEntriesReleased(stale);
        }
        refileAll(link);
    }

    private boolean heldOrClaimed(String key) {
        synchronized (lock) {
            return byKey.containsKey(key) || claims.containsKey(key);
        }
    }

    private void refileAll(ClusterLink link) {
        for (RegisteredTunnel held : allLocal()) {
            filing.refile(link, held, (lost, keeper) -> lost.owner().disconnect(lostToNode(lost.info().key(),
                    keeper.node())));
        }
    }

    /**
     * The peer port's PROBE: whether this node's connection holding {@code key} is alive. A dead one is closed and
     * loses its tunnels (so its entries are released). Never completes exceptionally.
     */
    public CompletionStage<HolderState> probeLocal(String key, String askingNode) {
        RegisteredTunnel holder = findLocal(key).orElse(null);
        if (holder == null) {
            return CompletableFuture.completedFuture(HolderState.NONE);
        }
        return probe(holder.owner()).thenApply(alive -> {
            if (alive) {
                return HolderState.ALIVE;
            }
            TunnelOwner old = holder.owner();
            try {
                old.closeNow("tunnel " + key + " was claimed by a new connection on node " + askingNode
                        + " after this one did not answer a liveness check within " + takeoverTimeout.toMillis() + " ms");
            } catch (RuntimeException e) {
                LOG.closeFailed(old.clientId(), old.envId(), e);
            }
            unregisterAll(old);
            return HolderState.DEAD;
        });
    }

    /**
     * The peer port's YIELD: after a merge, {@code winner} (on another node) keeps {@code key} if the rule says so;
     * this node's connection holding it is then disconnected with a message saying why.
     *
     * @return whether this node gave the key up
     */
    public boolean yieldLocal(String key, String winnerNode, Instant winnerOpenedAt) {
        RegisteredTunnel held = findLocal(key).orElse(null);
        ClusterLink link = cluster;
        if (held == null || link == null
                || !ClusterFiling.keeps(winnerOpenedAt, winnerNode, held.info().openedAt(), link.localNode())) {
            return false;
        }
        LOG.mergeConflict(key, winnerNode, "node " + winnerNode);
        held.owner().disconnect(lostToNode(key, winnerNode));
        return true;
    }

    private static String lostToNode(String key, String node) {
        return "tunnel " + key + " was also held on node " + node + " while the cluster was split, by a connection "
                + "opened earlier, which keeps it; reconnect to get your other tunnels back";
    }

    private void releaseFromCluster(RegisteredTunnel tunnel) {
        ClusterLink link = cluster;
        ClusterTunnel entry = tunnel.clusterEntry();
        if (link != null && entry != null) {
            try {
                link.directory().release(entry);
            } catch (RuntimeException e) {
                // The entry stays until the other nodes' probe finds no connection for it, or this node leaves.
                LOG.clusterWriteFailed(entry.key(), "released", String.valueOf(e.getMessage()), e);
            }
        }
    }

    @Override
    public GatewayStatistics statistics() {
        return statistics;
    }

    /** Runs when the previous claim of {@code key} is decided: decides now, or probes the holder first. */
    private void claim(TunnelOwner owner, TunnelRequest request, String key, CompletableFuture<Tunnel> result) {
        RegisteredTunnel holder;
        RegisteredTunnel registered = null;
        String refusal = null;
        ClusterLink link = cluster;
        synchronized (lock) {
            holder = byKey.get(key);
            if (isGone(owner)) {
                refusal = "the connection is closing";
            } else if (holder == null && link == null) {
                registered = install(owner, request, infoOf(owner, request, key));
            } else if (holder == null) {
                // Filed in the cluster first, installed here after; see ClusterFiling.
            } else if (holder.owner() == owner) {
                refusal = holder.request().equals(request)
                        ? "'" + request.requestString() + "' is already forwarded on this connection"
                        : "duplicate path: tunnel " + key + " is already forwarded on this connection as '"
                                + holder.request().requestString() + "'";
            }
        }
        if (refusal != null) {
            refuse(owner, request, result, refusal);
        } else if (registered != null) {
            fire(registered, true);
            result.complete(registered);
        } else if (holder == null) {
            filing.file(link, new PendingClaim(owner, request, new ClusterTunnel(infoOf(owner, request, key),
                    link.localNode(), link.peerAddress()), result));
        } else {
            probe(holder.owner()).thenAccept(alive -> guarded(result,
                    () -> decideTakeover(owner, request, key, holder, alive, result)));
        }
    }

    /** After the holder's probe: a live holder keeps the key; a dead one is closed and loses it. */
    private void decideTakeover(TunnelOwner owner, TunnelRequest request, String key, RegisteredTunnel holder,
                                boolean holderAlive, CompletableFuture<Tunnel> result) {
        RegisteredTunnel registered = null;
        boolean evicted = false;
        String refusal = null;
        ClusterLink link = cluster;
        synchronized (lock) {
            RegisteredTunnel current = byKey.get(key);
            if (isGone(owner)) {
                refusal = "the connection is closing";
            } else if (current == holder && holderAlive) {
                refusal = "tunnel " + key + " is held by another connection of this client that is still alive; "
                        + "close that connection first";
            } else if (current != null && current != holder) {
                // Claims of a key are queued, so only a bug could get here; refusing keeps the key with one owner.
                refusal = "tunnel " + key + " changed hands while this forward was decided; retry";
            } else {
                if (current == holder) {
                    byKey.remove(key, holder);
                    OwnerState holderState = owners.get(holder.owner());
                    if (holderState != null && holderState.held.remove(key, holder)) {
                        forgetIfIdle(holder.owner(), holderState);
                    }
                    evicted = true;
                }
                if (link == null) {
                    registered = install(owner, request, infoOf(owner, request, key));
                }
            }
        }
        if (refusal != null) {
            refuse(owner, request, result, refusal);
            return;
        }
        if (evicted) {
            TunnelOwner old = holder.owner();
            LOG.takenOver(key, old.clientId(), old.envId(), takeoverTimeout.toString());
            try {
                // Outside the lock: closing may call back into unregisterAll for the old connection's other tunnels.
                old.closeNow("tunnel " + key + " was taken over by a new connection after this one did not answer "
                        + "a liveness check within " + takeoverTimeout.toMillis() + " ms");
            } catch (RuntimeException e) {
                // The key has changed hands already; the old connection is left to its keepalive.
                LOG.closeFailed(old.clientId(), old.envId(), e);
            }
            fire(holder, false);
        }
        if (registered == null) {
            // The evicted holder's entry names this node: filing takes it over.
            filing.file(link, new PendingClaim(owner, request, new ClusterTunnel(infoOf(owner, request, key),
                    link.localNode(), link.peerAddress()), result));
            return;
        }
        fire(registered, true);
        result.complete(registered);
    }

    /**
     * A claim filed in the cluster: installed here unless its connection closed meanwhile, in which case the entry is
     * released again and the claim refused.
     */
    void installFiled(PendingClaim claim) {
        RegisteredTunnel registered = null;
        String key = claim.entry().key();
        synchronized (lock) {
            if (!isGone(claim.owner()) && !byKey.containsKey(key)) {
                registered = install(claim.owner(), claim.request(), claim.entry().info());
                registered.filedAs(claim.entry());
            }
        }
        if (registered == null) {
            ClusterLink link = cluster;
            if (link != null) {
                link.directory().release(claim.entry());
            }
            refuse(claim.owner(), claim.request(), claim.result(), "the connection is closing");
            return;
        }
        fire(registered, true);
        claim.result().complete(registered);
    }

    void refuseClaim(PendingClaim claim, String reason) {
        refuse(claim.owner(), claim.request(), claim.result(), reason);
    }

    /** A claim waiting for the cluster: the entry it files and the future that decides it. */
    record PendingClaim(TunnelOwner owner, TunnelRequest request, ClusterTunnel entry,
                        CompletableFuture<Tunnel> result) {
        void guarded(Runnable step) {
            TunnelRegistry.guarded(result, step);
        }
    }


    /**
     * A claim step must decide its claim whatever happens: an undecided claim would hold up every later claim of the
     * key, and the client's forward request would never be answered.
     */
    private static void guarded(CompletableFuture<Tunnel> result, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
            throw e;
        }
    }

    /** True, false on no answer within the take-over timeout; never exceptional, whatever the owner does. */
    private CompletableFuture<Boolean> probe(TunnelOwner holder) {
        CompletableFuture<Boolean> alive = new CompletableFuture<>();
        if (!holder.isOpen()) {
            alive.complete(false);
            return alive;
        }
        try {
            holder.probeAlive(takeoverTimeout)
                    .whenComplete((answer, failure) -> alive.complete(failure == null && Boolean.TRUE.equals(answer)));
        } catch (RuntimeException e) {
            // An owner that cannot even send the probe has no working connection.
            alive.complete(false);
        }
        // The owner promises its own timeout; this one keeps a key from being stuck behind an owner that breaks it.
        return alive.completeOnTimeout(false, takeoverTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Caller holds {@link #lock}; the owner has a state (its claim is pending). */
    private RegisteredTunnel install(TunnelOwner owner, TunnelRequest request, TunnelInfo info) {
        String key = info.key();
        RegisteredTunnel tunnel = new RegisteredTunnel(owner, request, info, statistics.newTunnel());
        byKey.put(key, tunnel);
        owners.get(owner).held.put(key, tunnel);
        return tunnel;
    }

    private TunnelInfo infoOf(TunnelOwner owner, TunnelRequest request, String key) {
        return new TunnelInfo(key, owner.clientId(), owner.envId(), request.requestString(),
                request.access(), request.metaJson(), request.injectJson(), urlOf(key), Instant.now(),
                owner.keyFingerprint(), owner.keyOwner(), owner.publicKeyLine());
    }

    /** Caller holds {@link #lock}. */
    private boolean isGone(TunnelOwner owner) {
        OwnerState state = owners.get(owner);
        return state == null || state.closed || !owner.isOpen();
    }

    private void refuse(TunnelOwner owner, TunnelRequest request, CompletableFuture<Tunnel> result, String reason) {
        LOG.refused(request.requestString(), owner.clientId(), reason);
        result.completeExceptionally(new TunnelRefusedException(reason));
    }

    private void claimDecided(TunnelOwner owner, String key, CompletableFuture<Tunnel> result) {
        synchronized (lock) {
            claims.remove(key, result);
            OwnerState state = owners.get(owner);
            if (state != null) {
                state.pending.remove(result);
                forgetIfIdle(owner, state);
            }
        }
    }

    /** Caller holds {@link #lock}. An owner with neither tunnels nor pending claims needs no state. */
    private void forgetIfIdle(TunnelOwner owner, OwnerState state) {
        if (state.held.isEmpty() && state.pending.isEmpty()) {
            owners.remove(owner, state);
        }
    }

    private void fire(Tunnel tunnel, boolean registered) {
        for (TunnelListener listener : listeners) {
            try {
                if (registered) {
                    listener.registered(tunnel);
                } else {
                    listener.unregistered(tunnel);
                }
            } catch (RuntimeException e) {
                LOG.listenerFailed(listener.toString(), tunnel.toString(), registered ? "it opened" : "it closed", e);
            }
        }
    }

    /** What the registry keeps per connection. Guarded by {@link #lock}. */
    private static final class OwnerState {
        final Map<String, RegisteredTunnel> held = new LinkedHashMap<>();
        final Set<CompletableFuture<Tunnel>> pending = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        /** Set by unregisterAll: forwards still being decided are refused, not registered on a dead connection. */
        boolean closed;
    }
}
