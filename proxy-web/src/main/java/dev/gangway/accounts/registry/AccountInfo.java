package dev.gangway.accounts.registry;

import java.time.Instant;
import java.util.Set;

/**
 * A read-only copy of an {@link Account}, safe to hand out after the transaction (no lazy state, no token).
 *
 * @param providerRefusal why the provider refused to vouch for the person at the last re-check, or {@code null} while
 *                        they are in good standing
 */
public record AccountInfo(String subject, String displayName, String email, Set<String> groups, boolean admin,
        Instant lastConfirmedAt, Instant createdAt, String providerRefusal) {

    /** An account in good standing. */
    public AccountInfo(String subject, String displayName, String email, Set<String> groups, boolean admin,
                       Instant lastConfirmedAt, Instant createdAt) {
        this(subject, displayName, email, groups, admin, lastConfirmedAt, createdAt, null);
    }
}
