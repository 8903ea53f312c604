package dev.gangway.connector.api;

import java.util.concurrent.CompletionStage;

/**
 * Decides which SSH keys may log in when the connector runs in authMode {@code sso}. The web tier implements it over
 * its key registry and registers it with {@link TunnelConnectionFactory#useKeyAuthority}.
 *
 * <p>{@link #decide} is called on an SSH I/O thread and must return at once: do the lookup elsewhere and complete the
 * stage on any thread. The connector waits for it only up to its {@code keyDecisionTimeoutSeconds}; a stage that
 * completes later, completes exceptionally, or a method that throws, all refuse the key.
 */
@FunctionalInterface
public interface KeyAuthority {

    CompletionStage<KeyDecision> decide(KeyLogin login);
}
