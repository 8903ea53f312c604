package dev.gangway.connector.outbound;

import dev.gangway.connector.GangwayResourceAdapter;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.tunnel.TunnelDirectory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import org.jboss.jca.core.spi.statistics.Statistics;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;

import javax.security.auth.Subject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the pool's managed connections: slots for visitor streams to one tunnel key each (see
 * {@link TunnelManagedConnection}). It delegates to the resource adapter, which owns the one SSH server and the
 * tunnel registry; nothing here holds a network resource of its own.
 *
 * <p>It also implements IronJacamar's {@link Statistics}: WildFly asks the connection definition's factory for it when
 * the deployment starts and publishes it as {@code statistics=extended} of the connection definition, where the
 * admin console shows it beside the pool's statistics ({@link GatewayStatisticsPlugin}). The factory rather than the
 * adapter, because that page is where an operator already looks for the streams in use.
 */
@ConnectionDefinition(
        connectionFactory = TunnelConnectionFactory.class,
        connectionFactoryImpl = TunnelConnectionFactoryImpl.class,
        connection = TunnelConnection.class,
        connectionImpl = TunnelConnectionImpl.class)
public class TunnelManagedConnectionFactory
        implements ManagedConnectionFactory, ResourceAdapterAssociation, ValidatingManagedConnectionFactory, Statistics {

    private static final long serialVersionUID = 1L;

    @ConfigProperty(defaultValue = "10",
            description = "Seconds to wait for a tunnel client to accept a new channel before the visitor gets 504")
    private Integer channelOpenTimeoutSeconds = 10;

    @ConfigProperty(defaultValue = "true",
            description = "Keep a channel (and the backend's keep-alive connection behind it) for the next visitor request")
    private Boolean reuseChannels = true;

    private transient GangwayResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;
    private transient volatile GatewayStatisticsPlugin statistics;

    @Override
    public Object createConnectionFactory(ConnectionManager connectionManager) {
        return new TunnelConnectionFactoryImpl(this, connectionManager);
    }

    /** Outside a container (tests, tools): each connection is its own unpooled channel. */
    @Override
    public Object createConnectionFactory() {
        return new TunnelConnectionFactoryImpl(this, new UnpooledConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        return new TunnelManagedConnection(this, requestInfo(info).tunnelKey());
    }

    /** Matches only a live slot for the same tunnel key: a slot is never handed to another tunnel. */
    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        String key = requestInfo(info).tunnelKey();
        for (Object candidate : candidates) {
            if (candidate instanceof TunnelManagedConnection mc && mc.tunnelKey().equals(key) && !mc.isDestroyed()) {
                return mc;
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set candidates) {
        Set invalid = new HashSet<>();
        for (Object candidate : candidates) {
            if (candidate instanceof TunnelManagedConnection mc && mc.isDestroyed()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    private static TunnelRequestInfo requestInfo(ConnectionRequestInfo info) throws ResourceException {
        if (info instanceof TunnelRequestInfo tunnelInfo) {
            return tunnelInfo;
        }
        throw new ResourceException("A tunnel connection needs a tunnel key; got " + info);
    }

    TunnelDirectory directory() {
        return adapter().directory();
    }

    @Override
    public StatisticsPlugin getStatistics() {
        GatewayStatisticsPlugin plugin = statistics;
        if (plugin == null) {
            synchronized (this) {
                if (statistics == null) {
                    statistics = new GatewayStatisticsPlugin(this::runningDirectory);
                }
                plugin = statistics;
            }
        }
        return plugin;
    }

    /** The registry of the associated adapter while it runs; empty before it started and after it stopped. */
    private Optional<TunnelDirectory> runningDirectory() {
        GangwayResourceAdapter ra = resourceAdapter;
        try {
            return ra == null ? Optional.empty() : Optional.of(ra.directory());
        } catch (IllegalStateException notStarted) {
            return Optional.empty();
        }
    }

    GangwayResourceAdapter adapter() {
        GangwayResourceAdapter ra = resourceAdapter;
        if (ra == null) {
            throw new IllegalStateException("Connection definition is not associated with the Gangway resource adapter");
        }
        return ra;
    }

    Duration channelOpenTimeout() {
        return Duration.ofSeconds(channelOpenTimeoutSeconds == null || channelOpenTimeoutSeconds < 1 ? 10 : channelOpenTimeoutSeconds);
    }

    boolean reuseChannels() {
        return !Boolean.FALSE.equals(reuseChannels);
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        if (!(ra instanceof GangwayResourceAdapter gangway)) {
            throw new IllegalArgumentException("Tunnel connections need the Gangway resource adapter, not " + ra);
        }
        this.resourceAdapter = gangway;
    }

    public Integer getChannelOpenTimeoutSeconds() {
        return channelOpenTimeoutSeconds;
    }

    public void setChannelOpenTimeoutSeconds(Integer channelOpenTimeoutSeconds) {
        this.channelOpenTimeoutSeconds = channelOpenTimeoutSeconds;
    }

    public Boolean getReuseChannels() {
        return reuseChannels;
    }

    public void setReuseChannels(Boolean reuseChannels) {
        this.reuseChannels = reuseChannels;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    // The JCA spec compares managed connection factories by their configuration.
    @Override
    public boolean equals(Object other) {
        return other instanceof TunnelManagedConnectionFactory that
                && Objects.equals(channelOpenTimeoutSeconds, that.channelOpenTimeoutSeconds)
                && Objects.equals(reuseChannels, that.reuseChannels)
                && resourceAdapter == that.resourceAdapter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channelOpenTimeoutSeconds, reuseChannels);
    }
}
