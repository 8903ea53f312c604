package dev.gangway.connector.api;

import java.util.List;
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

    /**
     * Makes {@code authority} decide SSH logins in authMode {@code sso}, replacing any registered before. The web tier
     * calls it when it is deployed. In the other modes it is kept but not asked.
     */
    void useKeyAuthority(KeyAuthority authority);

    /**
     * Unregisters {@code authority} if it is the one registered (an older deployment's late clear must not remove a
     * newer one's). From then on, in authMode {@code sso}, every login is refused until another is registered.
     */
    void clearKeyAuthority(KeyAuthority authority);

    /**
     * Closes every SSH connection logged in with this key (and so its tunnels and visitor streams) with an SSH
     * disconnect message carrying {@code reason}; its tunnels are gone from the registry when this returns.
     *
     * @param fingerprint {@code SHA256:…} as {@code ssh-keygen -l} prints it
     * @return how many connections were closed
     */
    int disconnectKey(String fingerprint, String reason);

    /** As {@link #disconnectKey}, for every connection whose key belongs to the owner with this subject. */
    int disconnectOwner(String subject, String reason);

    /** A snapshot of every live tunnel: in a cluster, every node's. */
    List<TunnelInfo> tunnels();

    /**
     * A snapshot of the live tunnels whose SSH connections this node holds: what per-node work (re-checking the
     * owners of live sessions) goes through, so that a cluster's nodes do not each repeat it for every tunnel.
     */
    List<TunnelInfo> localTunnels();

    /**
     * Makes the adapter file its tunnels in {@code cluster} and find other nodes' tunnels there, replacing any
     * registered before. The web tier calls it when it is deployed on a clustered server. The adapter files the
     * tunnels it already holds at once.
     */
    void useTunnelCluster(TunnelCluster cluster);

    /**
     * Unregisters {@code cluster} if it is the one registered (an older deployment's late clear must not remove a
     * newer one's). From then on the adapter knows its own tunnels only.
     */
    void clearTunnelCluster(TunnelCluster cluster);

    /** Tells {@code observer} of every tunnel of this node that opens or closes from now on. */
    void observeTunnels(TunnelObserver observer);

    void stopObserving(TunnelObserver observer);
}
