package dev.gangway.accounts.registry;

import java.time.Instant;

/**
 * A read-only copy of a {@link RegisteredKey} with its owner, safe to hand out after the transaction.
 *
 * @param publicKey the canonical OpenSSH line {@code <type> <base64>}
 * @param lastUsedAt the last SSH login with this key, or null if never
 */
public record KeyInfo(long id, String fingerprint, String keyType, String publicKey, String name, AccountInfo owner,
        Instant createdAt, Instant lastUsedAt) {
}
