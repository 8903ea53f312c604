package dev.gangway.proxy.access;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.gangway.connector.api.TunnelInfo;

/**
 * The owner keys of the live tunnels, parsed once per distinct public key line rather than per request. Cleared
 * whole when it grows past a bound, which only churn of many distinct keys reaches (a parse costs microseconds).
 */
public final class OwnerKeys {

    private static final int MAX_ENTRIES = 1024;

    private final ConcurrentMap<String, Optional<OwnerKey>> byLine = new ConcurrentHashMap<>();

    /** The tunnel owner's key, or {@code null} if it is of a type owner JWTs do not cover. */
    public OwnerKey of(TunnelInfo tunnel) {
        Optional<OwnerKey> cached = byLine.get(tunnel.publicKey());
        if (cached != null) {
            return cached.orElse(null);
        }
        Optional<OwnerKey> parsed;
        try {
            parsed = Optional.ofNullable(OwnerKey.parse(tunnel.publicKey()));
        } catch (IllegalArgumentException e) {
            // The SSH server verified a signature with this very key, so this is a disagreement between parsers: the
            // tunnel stays closed to JWTs rather than open.
            parsed = Optional.empty();
        }
        if (byLine.size() >= MAX_ENTRIES) {
            byLine.clear();
        }
        byLine.put(tunnel.publicKey(), parsed);
        return parsed.orElse(null);
    }
}
