package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyLogin;
import dev.gangway.connector.api.KeyOwner;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A key authority over an in-memory table of registered keys, for the tests: answers after a set delay (never
 * blocking the caller), or holds a key's decisions until the test releases them. Records every login it was asked
 * about.
 */
final class TestKeyAuthority implements KeyAuthority {

    private final Map<String, KeyOwner> owners = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
    final List<KeyLogin> asked = new CopyOnWriteArrayList<>();
    /** Completes (once) when a held decision is first asked for, per fingerprint. */
    private final Map<String, CompletableFuture<Void>> heldAsked = new ConcurrentHashMap<>();
    private volatile Duration delay = Duration.ZERO;

    void register(String fingerprint, KeyOwner owner) {
        owners.put(fingerprint, owner);
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    /**
     * Decisions on this key's signed attempts wait until {@link #release} (its queries are answered at once);
     * {@link #askedFor} completes when one is pending.
     */
    void hold(String fingerprint) {
        held.put(fingerprint, new CompletableFuture<>());
        heldAsked.put(fingerprint, new CompletableFuture<>());
    }

    CompletableFuture<Void> askedFor(String fingerprint) {
        return heldAsked.get(fingerprint);
    }

    void release(String fingerprint) {
        held.remove(fingerprint).complete(null);
    }

    @Override
    public CompletionStage<KeyDecision> decide(KeyLogin login) {
        asked.add(login);
        KeyOwner owner = owners.get(login.fingerprint());
        KeyDecision decision = owner != null ? KeyDecision.allow(owner) : KeyDecision.refuse("unknown key");
        CompletableFuture<Void> gate = held.get(login.fingerprint());
        if (gate != null && login.signatureVerified()) {
            heldAsked.get(login.fingerprint()).complete(null);
            return gate.thenApply(ignored -> decision);
        }
        return CompletableFuture.supplyAsync(() -> decision,
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }
}
