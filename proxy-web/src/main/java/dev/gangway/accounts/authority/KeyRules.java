package dev.gangway.accounts.authority;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.gangway.accounts.registry.AccountInfo;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyOwner;

/**
 * Whether a registered key may open tunnels now: the provider did not refuse its owner at the last re-check, the owner
 * is still in the allowed group, as last confirmed by the provider, and that confirmation is younger than the key
 * lifetime. Pure, so that every rule is tested alone.
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
        if (owner.providerRefusal() != null) {
            return KeyDecision.refuse("owner " + owner.displayName() + " was refused by the identity provider at the "
                    + "last re-check (" + owner.providerRefusal() + "): sign in again");
        }
        if (!owner.groups().contains(allowedGroup)) {
            return KeyDecision.refuse("owner " + owner.displayName() + " is not in group " + allowedGroup);
        }
        if (outlived(owner, keyLifetime, now)) {
            return KeyDecision.refuse(outlivedReason(owner, keyLifetime));
        }
        List<String> groups = owner.groups().stream().sorted().toList();
        return KeyDecision.allow(new KeyOwner(owner.subject(), owner.displayName(), owner.email(), groups));
    }

    /** Whether the owner's last confirmation by the provider is older than the key lifetime (or never happened). */
    public static boolean outlived(AccountInfo owner, Duration keyLifetime, Instant now) {
        Instant confirmed = owner.lastConfirmedAt();
        return confirmed == null || confirmed.plus(keyLifetime).isBefore(now);
    }

    static String outlivedReason(AccountInfo owner, Duration keyLifetime) {
        return "owner " + owner.displayName() + " was last confirmed at " + owner.lastConfirmedAt()
                + ", longer ago than the key lifetime (" + keyLifetime.toHours() + " h): sign in again";
    }
}
