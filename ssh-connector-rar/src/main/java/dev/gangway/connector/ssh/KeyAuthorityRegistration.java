package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyAuthority;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one {@link KeyAuthority} the web tier registered, if any. Owned by the resource adapter for its whole life, not
 * per start, so that a registration is not lost when only the SSH server restarts.
 */
public final class KeyAuthorityRegistration {

    private final AtomicReference<KeyAuthority> current = new AtomicReference<>();
    /** Whether the missing authority was already reported: one WARN per gap, not one per knocking bot. */
    private final AtomicBoolean missingReported = new AtomicBoolean();

    public void use(KeyAuthority authority) {
        Objects.requireNonNull(authority, "authority");
        current.set(authority);
        missingReported.set(false);
        KeyAuthLogger.LOG.authorityRegistered(authority.toString());
    }

    /** Unregisters {@code authority} only if it is still the registered one. */
    public void clear(KeyAuthority authority) {
        if (authority != null && current.compareAndSet(authority, null)) {
            KeyAuthLogger.LOG.authorityCleared(authority.toString());
        }
    }

    /** The registered authority, or {@code null}; a {@code null} is reported once (WARN) until one registers. */
    KeyAuthority current() {
        KeyAuthority authority = current.get();
        if (authority == null && missingReported.compareAndSet(false, true)) {
            KeyAuthLogger.LOG.noKeyAuthority();
        }
        return authority;
    }
}
