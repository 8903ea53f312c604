package dev.gangway.connector.api;

import java.util.Optional;

/**
 * The connection factory the resource adapter binds in JNDI ({@code java:/gangway/tunnels} by default).
 *
 * <p>{@link #findTunnel} is cheap and never blocks: a registry lookup. {@link #getConnection} is a JCA
 * allocation: it may wait for the pool and, when no idle channel to the tunnel is pooled, for the SSH client to
 * accept a new channel (a network round trip). Call it from a worker thread, never from an I/O thread.
 */
public interface TunnelConnectionFactory {

    /** JNDI name the WildFly configuration binds the factory to; the WAR looks it up here. */
    String JNDI_NAME = "java:/gangway/tunnels";

    /** The live tunnel registered under {@code tunnelKey}, if any. Keys are lower case DNS labels. */
    Optional<TunnelInfo> findTunnel(String tunnelKey);

    /**
     * A connection to the service behind the tunnel, for one visitor exchange (one HTTP request and its response,
     * or one upgraded stream). Close it when the exchange ends; {@link TunnelConnection#recycle()} instead when it
     * ended cleanly on a message boundary and the backend kept its connection open, so that the next exchange can
     * reuse the channel.
     *
     * @throws TunnelException with a {@link TunnelException.Reason} the caller maps to a status
     */
    TunnelConnection getConnection(String tunnelKey) throws TunnelException;

    /** The gateway-wide settings the web tier needs (base URL, trusted proxies), as the operator configured them. */
    GatewaySettings settings();
}
