package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyLogin;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Asks the registered {@link KeyAuthority} about one login, and turns everything but a timely, well-formed answer into
 * a refusal: no authority, an authority that throws, fails, answers {@code null} or answers too late. The caller gets
 * a decision it can trust, always, within the timeout.
 *
 * <p>The timeout runs on the JDK's shared {@link CompletableFuture} delay scheduler, as the tunnel registry's does:
 * a daemon thread the JDK owns and keeps idle otherwise. The returned stage may therefore complete on that thread or
 * on whatever thread the authority completes on; callers move to a thread of their own before acting on it.
 */
public final class KeyAuthorityGate {

    /** The default of the {@code keyDecisionTimeoutSeconds} setting. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final KeyAuthorityRegistration registration;
    private final Duration timeout;

    public KeyAuthorityGate(KeyAuthorityRegistration registration, Duration timeout) {
        this.registration = Objects.requireNonNull(registration, "registration");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("keyDecisionTimeoutSeconds must be at least 1, is " + timeout.toSeconds());
        }
    }

    Duration timeout() {
        return timeout;
    }

    /** Completes with the authority's decision or a refusal saying why there is none; never exceptionally. */
    CompletionStage<KeyDecision> decide(KeyLogin login) {
        KeyAuthority authority = registration.current();
        if (authority == null) {
            return CompletableFuture.completedFuture(KeyDecision.refuse("no key authority is registered"));
        }
        CompletableFuture<KeyDecision> decision = new CompletableFuture<>();
        try {
            CompletionStage<KeyDecision> answer = authority.decide(login);
            if (answer == null) {
                return CompletableFuture.completedFuture(failed(login, new NullPointerException("no decision stage")));
            }
            answer.whenComplete((given, failure) -> decision.complete(failure != null || given == null
                    ? failed(login, failure != null ? failure : new NullPointerException("a null decision"))
                    : given));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(login, e));
        }
        return decision.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS)
                .thenApply(given -> given != null ? given : timedOut(login));
    }

    private static KeyDecision failed(KeyLogin login, Throwable failure) {
        KeyAuthLogger.LOG.decisionFailed(login.fingerprint(), failure);
        return KeyDecision.refuse("the key authority failed: " + failure);
    }

    private KeyDecision timedOut(KeyLogin login) {
        KeyAuthLogger.LOG.decisionTimedOut(login.fingerprint(), timeout.toMillis());
        return KeyDecision.refuse("no decision within " + timeout.toMillis() + " ms");
    }
}
