package dev.gangway.connector.outbound;

import dev.gangway.connector.api.GatewaySettings;
import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelObserver;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.tunnel.RegisteredTunnel;
import dev.gangway.connector.tunnel.Tunnel;
import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import javax.naming.Reference;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The factory bound in JNDI for the web tier. Resolving a key is a registry read; a connection is a pool allocation
 * keyed by the tunnel, so the container's pool (sized per tunnel in the connection definition) bounds the streams one
 * tunnel can hold.
 */
public class TunnelConnectionFactoryImpl implements TunnelConnectionFactory, Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    /** IronJacamar's message when no pooled connection frees up within blocking-timeout-wait-millis. */
    private static final String POOL_EXHAUSTED_ID = "IJ000655";

    private final transient TunnelManagedConnectionFactory managedConnectionFactory;
    private final transient ConnectionManager connectionManager;
    private Reference reference;

    public TunnelConnectionFactoryImpl(TunnelManagedConnectionFactory managedConnectionFactory,
                                       ConnectionManager connectionManager) {
        this.managedConnectionFactory = managedConnectionFactory;
        this.connectionManager = connectionManager;
    }

    @Override
    public Optional<TunnelInfo> findTunnel(String tunnelKey) {
        return managedConnectionFactory.directory().find(normalize(tunnelKey)).map(Tunnel::info);
    }

    @Override
    public TunnelConnection getConnection(String tunnelKey) throws TunnelException {
        String key = normalize(tunnelKey);
        // Checked first so that an unknown key never creates a sub-pool in the container.
        if (managedConnectionFactory.directory().find(key).isEmpty()) {
            throw new TunnelException(TunnelException.Reason.NO_TUNNEL, "No active tunnel found: " + key);
        }
        try {
            return (TunnelConnection) connectionManager.allocateConnection(managedConnectionFactory, new TunnelRequestInfo(key));
        } catch (ResourceException e) {
            throw translate(e, key);
        }
    }

    /** The pool wraps what the managed connection threw; find our reason in the chain, or name the pool's. */
    static TunnelException translate(ResourceException e, String key) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TunnelException tunnelException) {
                return tunnelException;
            }
            if (t.getMessage() != null && t.getMessage().contains(POOL_EXHAUSTED_ID)) {
                return new TunnelException(TunnelException.Reason.OVERLOADED,
                        "Too many concurrent streams to tunnel " + key + "; try again shortly", e);
            }
        }
        return new TunnelException(TunnelException.Reason.UNAVAILABLE,
                "Tunnel " + key + " could not take the request: " + e.getMessage(), e);
    }

    @Override
    public GatewaySettings settings() {
        return managedConnectionFactory.adapter().gatewaySettings();
    }

    @Override
    public void useKeyAuthority(KeyAuthority authority) {
        managedConnectionFactory.adapter().keyAuthorities().use(authority);
    }

    @Override
    public void clearKeyAuthority(KeyAuthority authority) {
        managedConnectionFactory.adapter().keyAuthorities().clear(authority);
    }

    @Override
    public int disconnectKey(String fingerprint, String reason) {
        return managedConnectionFactory.adapter().disconnectKey(fingerprint, reason);
    }

    @Override
    public int disconnectOwner(String subject, String reason) {
        return managedConnectionFactory.adapter().disconnectOwner(subject, reason);
    }

    @Override
    public List<TunnelInfo> tunnels() {
        return managedConnectionFactory.directory().all().stream().map(Tunnel::info).toList();
    }

    @Override
    public List<TunnelInfo> localTunnels() {
        // Other nodes' tunnels are RemoteTunnels; this node's are what its registry registered.
        return managedConnectionFactory.directory().all().stream()
                .filter(RegisteredTunnel.class::isInstance).map(Tunnel::info).toList();
    }

    @Override
    public void useTunnelCluster(TunnelCluster cluster) {
        managedConnectionFactory.adapter().tunnelClusters().use(cluster);
    }

    @Override
    public void clearTunnelCluster(TunnelCluster cluster) {
        managedConnectionFactory.adapter().tunnelClusters().clear(cluster);
    }

    @Override
    public void observeTunnels(TunnelObserver observer) {
        managedConnectionFactory.adapter().tunnelObservers().add(observer);
    }

    @Override
    public void stopObserving(TunnelObserver observer) {
        managedConnectionFactory.adapter().tunnelObservers().remove(observer);
    }

    private static String normalize(String key) {
        return key == null ? "" : key.toLowerCase(Locale.ROOT);
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
