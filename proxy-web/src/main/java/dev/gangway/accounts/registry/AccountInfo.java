package dev.gangway.accounts.registry;

import java.time.Instant;
import java.util.Set;

/** A read-only copy of an {@link Account}, safe to hand out after the transaction (no lazy state, no token). */
public record AccountInfo(String subject, String displayName, String email, Set<String> groups, boolean admin,
        Instant lastConfirmedAt, Instant createdAt) {
}
