package dev.gangway.accounts.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.gangway.accounts.registry.AccountInfo;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.connector.api.KeyDecision;
import org.junit.jupiter.api.Test;

class KeyRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(24);

    @Test
    void anUnregisteredKeyIsRefused() {
        KeyDecision decision = KeyRules.decide(null, "users", LIFETIME, NOW);
        assertFalse(decision.allowed());
        assertEquals("key not registered", decision.reason());
    }

    @Test
    void aConfirmedMemberIsAllowedWithTheirIdentity() {
        KeyDecision decision = KeyRules.decide(key(Set.of("users", "admins"), NOW.minus(Duration.ofHours(23))),
                "users", LIFETIME, NOW);
        assertTrue(decision.allowed(), decision.reason());
        assertEquals("sub-1", decision.owner().subject());
        assertEquals("alice", decision.owner().displayName());
        assertEquals("alice@example.com", decision.owner().email());
        assertEquals(List.of("admins", "users"), decision.owner().groups());
    }

    @Test
    void anOwnerOutsideTheGroupIsRefused() {
        KeyDecision decision = KeyRules.decide(key(Set.of("others"), NOW), "users", LIFETIME, NOW);
        assertFalse(decision.allowed());
        assertTrue(decision.reason().contains("not in group users"), decision.reason());
    }

    @Test
    void aKeyWhoseOwnerWasConfirmedLongerAgoThanTheLifetimeIsRefused() {
        KeyDecision stale = KeyRules.decide(key(Set.of("users"), NOW.minus(LIFETIME).minusSeconds(1)), "users",
                LIFETIME, NOW);
        assertFalse(stale.allowed());
        assertTrue(stale.reason().contains("sign in again"), stale.reason());
        assertTrue(KeyRules.decide(key(Set.of("users"), NOW.minus(LIFETIME)), "users", LIFETIME, NOW).allowed());
        assertFalse(KeyRules.decide(key(Set.of("users"), null), "users", LIFETIME, NOW).allowed());
    }

    @Test
    void anOwnerTheProviderRefusedAtTheLastRecheckIsRefusedWhateverTheirGroupsAndConfirmation() {
        KeyDecision decision = KeyRules.decide(key(Set.of("users"), NOW.minusSeconds(60), "invalid_grant: User disabled"),
                "users", LIFETIME, NOW);
        assertFalse(decision.allowed());
        assertTrue(decision.reason().contains("refused by the identity provider")
                && decision.reason().contains("User disabled") && decision.reason().contains("sign in again"),
                decision.reason());
    }

    @Test
    void outlivedIsTrueOnlyPastTheLifetimeOrWithoutAnyConfirmation() {
        assertFalse(KeyRules.outlived(key(Set.of("users"), NOW.minus(LIFETIME)).owner(), LIFETIME, NOW));
        assertTrue(KeyRules.outlived(key(Set.of("users"), NOW.minus(LIFETIME).minusMillis(1)).owner(), LIFETIME, NOW));
        assertTrue(KeyRules.outlived(key(Set.of("users"), null).owner(), LIFETIME, NOW));
    }

    private static KeyInfo key(Set<String> groups, Instant confirmed) {
        return key(groups, confirmed, null);
    }

    private static KeyInfo key(Set<String> groups, Instant confirmed, String providerRefusal) {
        AccountInfo owner = new AccountInfo("sub-1", "alice", "alice@example.com", groups, false, confirmed,
                NOW.minus(Duration.ofDays(3)), providerRefusal);
        return new KeyInfo(1, "SHA256:abc", "ssh-ed25519", "ssh-ed25519 AAAA", "laptop", owner,
                NOW.minus(Duration.ofDays(2)), null);
    }
}
