package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyLogin;
import dev.gangway.connector.api.KeyOwner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way an authority can fail to answer becomes a refusal, within the timeout; a real answer passes through. */
class KeyAuthorityGateTest {

    private static final KeyLogin LOGIN = new KeyLogin("SHA256:abc", "ssh-ed25519", "ssh-ed25519 AAAA", "env1",
            "/127.0.0.1:5000", true);
    private static final KeyOwner OWNER = new KeyOwner("sub-1", "jdoe", null, List.of());

    private final KeyAuthorityRegistration registration = new KeyAuthorityRegistration();

    @Test
    void anAnswerPassesThroughUnchanged() throws Exception {
        KeyDecision allowed = KeyDecision.allow(OWNER);
        registration.use(login -> CompletableFuture.completedFuture(allowed));

        assertEquals(allowed, decide(Duration.ofSeconds(5)));
    }

    @Test
    void noAuthorityRefuses() throws Exception {
        assertRefused(decide(Duration.ofSeconds(5)), "no key authority");
    }

    @Test
    void aClearedAuthorityRefusesButAStaleClearKeepsTheNewOne() throws Exception {
        KeyAuthority old = login -> CompletableFuture.completedFuture(KeyDecision.allow(OWNER));
        KeyAuthority current = login -> CompletableFuture.completedFuture(KeyDecision.refuse("from the new one"));
        registration.use(old);
        registration.use(current);
        registration.clear(old); // an older deployment undeploying late

        assertRefused(decide(Duration.ofSeconds(5)), "from the new one");
        registration.clear(current);
        assertRefused(decide(Duration.ofSeconds(5)), "no key authority");
    }

    @Test
    void anAuthorityThatThrowsFailsOrAnswersNullRefuses() throws Exception {
        registration.use(login -> {
            throw new IllegalStateException("database down");
        });
        assertRefused(decide(Duration.ofSeconds(5)), "database down");

        registration.use(login -> CompletableFuture.failedFuture(new IllegalStateException("query failed")));
        assertRefused(decide(Duration.ofSeconds(5)), "query failed");

        registration.use(login -> null);
        assertRefused(decide(Duration.ofSeconds(5)), "failed");

        registration.use(login -> CompletableFuture.completedFuture(null));
        assertRefused(decide(Duration.ofSeconds(5)), "failed");
    }

    @Test
    void anAuthorityThatNeverAnswersIsRefusedAtTheTimeout() throws Exception {
        registration.use(login -> new CompletableFuture<>());

        long started = System.nanoTime();
        KeyDecision decision = decide(Duration.ofMillis(200));

        assertRefused(decision, "no decision within 200 ms");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aTimeoutBelowOneSecondIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeyAuthorityGate(registration, Duration.ZERO));
    }

    @Test
    void aDecisionNeedsAnOwnerWhenAllowedAndAReasonWhenRefused() {
        assertThrows(NullPointerException.class, () -> KeyDecision.allow(null));
        assertThrows(NullPointerException.class, () -> KeyDecision.refuse(null));
        assertEquals(null, new KeyDecision(false, OWNER, "refused").owner(), "a refusal carries no owner");
        assertEquals("sub-1", new KeyOwner("sub-1", " ", null, null).displayName(), "the subject names a nameless owner");
    }

    private KeyDecision decide(Duration timeout) throws Exception {
        return new KeyAuthorityGate(registration, timeout).decide(LOGIN).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static void assertRefused(KeyDecision decision, String reasonPart) {
        assertFalse(decision.allowed());
        assertTrue(decision.reason().contains(reasonPart), decision.reason());
    }
}
