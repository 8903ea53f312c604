package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The cluster half of a claim: files a tunnel in the cluster directory, and when another entry holds its key,
 * decides with the holder's node whether that entry still stands (issue #5's duplicate-name rule across nodes).
 *
 * <p>Every step is asynchronous and bounded: a directory write or a peer's answer that does not come within the
 * take-over timeout decides the claim as a refusal, so a claim is always decided and the claims queued behind it
 * go on. A write that completes after its claim was refused is undone (its entry released), so a late success
 * never files a tunnel nobody holds.
 */
final class ClusterFiling {

    private static final TunnelLogger LOG = TunnelLogger.LOG;

    private final TunnelRegistry registry;
    private final Duration timeout;

    ClusterFiling(TunnelRegistry registry, Duration timeout) {
        this.registry = registry;
        this.timeout = timeout;
    }

    /** The connection opened first keeps a key both sides of a healed partition hold; a tie goes to the smaller node. */
    static boolean keeps(ClusterTunnel a, ClusterTunnel b) {
        return keeps(a.info().openedAt(), a.node(), b.info().openedAt(), b.node());
    }

    static boolean keeps(Instant aOpenedAt, String aNode, Instant bOpenedAt, String bNode) {
        return aOpenedAt.isBefore(bOpenedAt) || aOpenedAt.equals(bOpenedAt) && aNode.compareTo(bNode) <= 0;
    }

    /** A new claim: no local connection holds the key. Decides {@code claim} through the registry. */
    void file(ClusterLink link, TunnelRegistry.PendingClaim claim) {
        ClusterTunnel entry = claim.entry();
        CompletionStage<Optional<ClusterTunnel>> write;
        try {
            write = link.directory().claim(entry);
        } catch (RuntimeException e) {
            writeFailed(claim, "filed", e);
            return;
        }
        bounded(link, entry, write, Optional::isEmpty).whenComplete((holding, failure) -> claim.guarded(() -> {
            if (failure != null) {
                writeFailed(claim, "filed", failure);
            } else if (holding.isEmpty()) {
                registry.installFiled(claim);
            } else {
                contest(link, claim, holding.get());
            }
        }));
    }

    /** The key is filed under {@code holding}: take it over if that entry no longer stands, else refuse. */
    private void contest(ClusterLink link, TunnelRegistry.PendingClaim claim, ClusterTunnel holding) {
        String key = holding.key();
        if (holding.node().equals(link.localNode())) {
            // This node holds no connection for the key (claims of a key are queued, and this one found none): the
            // entry outlived its connection here, e.g. a take-over on this node just evicted it.
            takeOver(link, claim, holding, "the entry was left by a connection this node no longer holds");
        } else if (!link.directory().isMember(holding.node())) {
            takeOver(link, claim, holding, "node " + holding.node() + " is not in the cluster view");
        } else {
            probe(link, holding).whenComplete((state, failure) -> claim.guarded(() -> {
                if (failure != null) {
                    LOG.holderUnreachable(key, holding.node(), String.valueOf(rootMessage(failure)),
                            holding.peerAddress());
                    registry.refuseClaim(claim, "tunnel " + key + " is held on node " + holding.node()
                            + ", which could not be asked whether that connection is alive; retry shortly");
                } else if (state == HolderState.ALIVE) {
                    registry.refuseClaim(claim, "tunnel " + key + " is held by another connection of this client "
                            + "that is still alive (on node " + holding.node() + "); close that connection first");
                } else {
                    takeOver(link, claim, holding, state == HolderState.DEAD
                            ? "its connection there did not answer a liveness check and was closed"
                            : "that node no longer holds a connection for it");
                }
            }));
        }
    }

    private void takeOver(ClusterLink link, TunnelRegistry.PendingClaim claim, ClusterTunnel holding, String why) {
        ClusterTunnel entry = claim.entry();
        CompletionStage<Boolean> write;
        try {
            write = link.directory().takeOver(holding, entry);
        } catch (RuntimeException e) {
            writeFailed(claim, "taken over", e);
            return;
        }
        bounded(link, entry, write, Boolean.TRUE::equals).whenComplete((won, failure) -> claim.guarded(() -> {
            if (failure != null) {
                writeFailed(claim, "taken over", failure);
            } else if (!won) {
                registry.refuseClaim(claim, "tunnel " + entry.key() + " changed hands while this forward was "
                        + "decided; retry");
            } else {
                if (!holding.node().equals(link.localNode())) {
                    LOG.takenOverFromNode(entry.key(), holding.node(), why);
                }
                registry.installFiled(claim);
            }
        }));
    }

    /**
     * A tunnel this node holds, filed again (the cluster was just registered, or partitions merged). A key the other
     * side filed too is decided by the rule: a dead holder loses; both alive, {@link #keeps}. {@code lost} is called
     * when this node's connection must give the key up.
     */
    void refile(ClusterLink link, RegisteredTunnel held, BiConsumer<RegisteredTunnel, ClusterTunnel> lost) {
        ClusterTunnel mine = new ClusterTunnel(held.info(), link.localNode(), link.peerAddress());
        Optional<ClusterTunnel> current = link.directory().find(mine.key());
        if (current.isPresent() && current.get().equals(mine)) {
            held.filedAs(mine);
            return;
        }
        CompletionStage<Optional<ClusterTunnel>> write = current.isPresent()
                ? CompletableFuture.completedFuture(current)
                : link.directory().claim(mine);
        bounded(link, mine, write, Optional::isEmpty).whenComplete((holding, failure) -> {
            if (failure != null) {
                LOG.clusterWriteFailed(mine.key(), "filed again", String.valueOf(rootMessage(failure)), failure);
            } else if (holding.isEmpty()) {
                filedAgain(link, held, mine);
            } else {
                refileAgainst(link, held, mine, holding.get(), lost);
            }
        });
    }

    private void refileAgainst(ClusterLink link, RegisteredTunnel held, ClusterTunnel mine, ClusterTunnel other,
                               BiConsumer<RegisteredTunnel, ClusterTunnel> lost) {
        if (other.node().equals(link.localNode()) || !link.directory().isMember(other.node())) {
            replace(link, held, mine, other);
            return;
        }
        probe(link, other).whenComplete((state, failure) -> {
            if (failure != null) {
                LOG.holderUnreachable(mine.key(), other.node(), String.valueOf(rootMessage(failure)),
                        other.peerAddress());
            } else if (state != HolderState.ALIVE) {
                replace(link, held, mine, other);
            } else if (keeps(mine, other)) {
                LOG.mergeConflict(mine.key(), other.node(), "this node");
                replace(link, held, mine, other);
                link.peers().yieldTo(other, mine);
            } else {
                LOG.mergeConflict(mine.key(), other.node(), "node " + other.node());
                lost.accept(held, other);
            }
        });
    }

    private void replace(ClusterLink link, RegisteredTunnel held, ClusterTunnel mine, ClusterTunnel other) {
        bounded(link, mine, link.directory().takeOver(other, mine), Boolean.TRUE::equals)
                .whenComplete((won, failure) -> {
                    if (failure != null) {
                        LOG.clusterWriteFailed(mine.key(), "filed again", String.valueOf(rootMessage(failure)), failure);
                    } else if (won) {
                        filedAgain(link, held, mine);
                    }
                });
    }

    /**
     * Re-filing runs beside the claim queue (a view change starts it), so the connection may have let the tunnel go
     * meanwhile: its release then saw no entry to remove, and the entry just filed must go now.
     */
    private void filedAgain(ClusterLink link, RegisteredTunnel held, ClusterTunnel mine) {
        held.filedAs(mine);
        if (registry.findLocal(mine.key()).orElse(null) != held) {
            link.directory().release(mine);
        }
    }

    /** The holder's answer, bounded: its own probe takes up to the take-over timeout, plus the network. */
    private CompletableFuture<HolderState> probe(ClusterLink link, ClusterTunnel holder) {
        CompletableFuture<HolderState> answer = new CompletableFuture<>();
        try {
            link.peers().probe(holder).whenComplete((state, failure) -> {
                if (failure != null) {
                    answer.completeExceptionally(failure);
                } else {
                    answer.complete(state);
                }
            });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
        return answer.orTimeout(timeout.toNanos() * 2, TimeUnit.NANOSECONDS);
    }

    /**
     * {@code write}, failing after the take-over timeout; a write that succeeds ({@code filed}) after that is undone,
     * since its claim was refused meanwhile.
     */
    private <T> CompletableFuture<T> bounded(ClusterLink link, ClusterTunnel entry, CompletionStage<T> write,
                                             Predicate<T> filed) {
        CompletableFuture<T> result = new CompletableFuture<>();
        result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        write.whenComplete((value, failure) -> {
            boolean inTime = failure == null ? result.complete(value) : result.completeExceptionally(failure);
            if (!inTime && failure == null && filed.test(value)) {
                link.directory().release(entry);
            }
        });
        return result;
    }

    private void writeFailed(TunnelRegistry.PendingClaim claim, String what, Throwable failure) {
        String key = claim.entry().key();
        LOG.clusterWriteFailed(key, what, String.valueOf(rootMessage(failure)), failure);
        registry.refuseClaim(claim, "tunnel " + key + " could not be filed in the cluster's tunnel directory; "
                + "retry shortly");
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof java.util.concurrent.TimeoutException ? "no answer within the take-over timeout"
                : String.valueOf(t.getMessage() != null ? t.getMessage() : t);
    }
}
