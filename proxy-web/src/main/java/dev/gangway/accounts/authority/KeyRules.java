package dev.gangway.accounts.authority;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.gangway.accounts.registry.AccountInfo;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyOwner;

/**
 * Whether a registered key may open tunnels now: its owner is still in the allowed group, as last confirmed by the
 * provider, and that confirmation is younger than the key lifetime. Pure, so that every rule is tested alone.
 */
public final class KeyRules {

    private KeyRules() {
    }

    /**
     * @param key          the registered key with its owner, or {@code null} when the fingerprint is not registered
     * @param allowedGroup the group whose members may hold tunnels
     * @param keyLifetime  how long keys work after the owner's last confirmation
     */
    public static KeyDecision decide(KeyInfo key, String allowedGroup, Duration keyLifetime, Instant now) {
        if (key == null) {
            return KeyDecision.refuse("key not registered");
        }
        AccountInfo owner = key.owner();
        if (!owner.groups().contains(allowedGroup)) {
            return KeyDecision.refuse("owner " + owner.displayName() + " is not in group " + allowedGroup);
        }
        Instant confirmed = owner.lastConfirmedAt();
        if (confirmed == null || confirmed.plus(keyLifetime).isBefore(now)) {
            return KeyDecision.refuse("owner " + owner.displayName() + " was last confirmed at " + confirmed
                    + ", longer ago than the key lifetime (" + keyLifetime.toHours() + " h): sign in again");
        }
        List<String> groups = owner.groups().stream().sorted().toList();
        return KeyDecision.allow(new KeyOwner(owner.subject(), owner.displayName(), owner.email(), groups));
    }
}
