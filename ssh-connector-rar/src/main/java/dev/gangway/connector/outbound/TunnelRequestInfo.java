package dev.gangway.connector.outbound;

import jakarta.resource.spi.ConnectionRequestInfo;

/**
 * The only thing a visitor stream asks of the pool: which tunnel. An immutable value with value equality, so that the
 * pool (IronJacamar's per-request-info strategy) keeps one sub-pool of channels per tunnel key and
 * {@link TunnelManagedConnectionFactory#matchManagedConnections} matches only on an equal key.
 *
 * @param tunnelKey lower-case tunnel key
 */
public record TunnelRequestInfo(String tunnelKey) implements ConnectionRequestInfo {
}
