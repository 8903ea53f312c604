package dev.gangway.connector.outbound;

import dev.gangway.connector.stats.GatewayStatistics;
import dev.gangway.connector.stats.TunnelTable;
import dev.gangway.connector.tunnel.TunnelDirectory;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gangway's live state as IronJacamar statistics of the {@code tunnels} connection definition. WildFly turns each
 * name into a runtime metric of {@code /subsystem=resource-adapters/resource-adapter=gangway/connection-definitions=
 * tunnels/statistics=extended}, which the admin console shows next to the pool's statistics.
 *
 * <p>WildFly reads the names once, when the deployment starts, and knows three types: {@code int.class},
 * {@code long.class}, and anything else as a string. So the set of names is fixed, and the tunnels (which come and
 * go) are one JSON string ({@link TunnelTable}).
 *
 * <p>Values are read from the running adapter each time a metric is read; while the adapter is not started they are
 * zero and the tunnel list is empty. The counters are always kept, whatever {@code statistics-enabled} says: the
 * gauges must be right whenever they are read (a gauge that started counting late would go negative), and they cost
 * a lock-free add per event. {@link #setEnabled} therefore only records the setting, which also switches the
 * pool's statistics.
 */
final class GatewayStatisticsPlugin implements StatisticsPlugin {

    private static final long serialVersionUID = 1L;

    static final String SSH_CONNECTIONS = "SshConnections";
    static final String TUNNELS = "Tunnels";
    static final String OPEN_CHANNELS = "OpenChannels";
    static final String ACTIVE_STREAMS = "ActiveStreams";
    static final String CHANNELS_OPENED = "ChannelsOpened";
    static final String STREAMS = "Streams";
    static final String BYTES_TO_SERVICES = "BytesToServices";
    static final String BYTES_FROM_SERVICES = "BytesFromServices";
    static final String TUNNEL_LIST = "TunnelList";
    static final String TLS_TO_SSH = "TlsToSsh";
    static final String TLS_TO_HTTPS = "TlsToHttps";
    static final String TLS_REFUSED = "TlsRefused";

    private record Metric(Class<?> type, String description) {
    }

    private static final Map<String, Metric> METRICS = metrics();

    private static Map<String, Metric> metrics() {
        Map<String, Metric> m = new LinkedHashMap<>();
        m.put(SSH_CONNECTIONS, new Metric(int.class, "SSH connections open now (tunnel clients, logged in or not)"));
        m.put(TUNNELS, new Metric(int.class, "Tunnels registered now"));
        m.put(OPEN_CHANNELS, new Metric(int.class,
                "SSH channels to tunnel clients open now: carrying a visitor stream, kept for reuse, or being opened"));
        m.put(ACTIVE_STREAMS, new Metric(int.class, "Visitor streams (requests being proxied) in flight now"));
        m.put(CHANNELS_OPENED, new Metric(long.class, "Channels tunnel clients accepted since the adapter started"));
        m.put(STREAMS, new Metric(long.class, "Visitor streams started since the adapter started"));
        m.put(BYTES_TO_SERVICES, new Metric(long.class,
                "Bytes sent through tunnels to the services (request heads and bodies) since the adapter started"));
        m.put(BYTES_FROM_SERVICES, new Metric(long.class,
                "Bytes received through tunnels from the services (response heads and bodies) since the adapter started"));
        m.put(TLS_TO_SSH, new Metric(long.class,
                "Connections on the public TLS port sent to the SSH server (SSH over TLS) since the adapter started"));
        m.put(TLS_TO_HTTPS, new Metric(long.class,
                "Connections on the public TLS port passed to the https listener since the adapter started"));
        m.put(TLS_REFUSED, new Metric(long.class, "Connections on the public TLS port dropped before or during their "
                + "handshake (not TLS, malformed, oversize, stalled, failed SSH over TLS handshake) since the adapter started"));
        m.put(TUNNEL_LIST, new Metric(String.class, "Every tunnel now, as a JSON array sorted by key: key, clientId, "
                + "envId, keyFingerprint, owner and ownerSubject (authMode sso only), access, url, openedAt, activeStreams, "
                + "openChannels, streams, channelsOpened, bytesToService, bytesFromService"));
        return m;
    }

    /** The running adapter's registry, or empty while it is not started. */
    private final transient Supplier<Optional<TunnelDirectory>> directory;
    private volatile boolean enabled;

    GatewayStatisticsPlugin(Supplier<Optional<TunnelDirectory>> directory) {
        this.directory = directory;
    }

    @Override
    public Set<String> getNames() {
        return Collections.unmodifiableSet(METRICS.keySet());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getType(String name) {
        Metric metric = METRICS.get(name);
        return metric == null ? null : metric.type();
    }

    @Override
    public String getDescription(String name) {
        Metric metric = METRICS.get(name);
        return metric == null ? null : metric.description();
    }

    @Override
    public String getDescription(String name, Locale locale) {
        return getDescription(name);
    }

    @Override
    public Object getValue(String name) {
        Optional<TunnelDirectory> running = running();
        if (running.isEmpty()) {
            return idle(name);
        }
        TunnelDirectory registry = running.get();
        GatewayStatistics gateway = registry.statistics();
        return switch (name) {
            case SSH_CONNECTIONS -> gateway.sshConnections();
            case TUNNELS -> registry.all().size();
            case OPEN_CHANNELS -> gateway.openChannels();
            case ACTIVE_STREAMS -> gateway.activeStreams();
            case CHANNELS_OPENED -> gateway.channelsOpened();
            case STREAMS -> gateway.streams();
            case BYTES_TO_SERVICES -> gateway.bytesToServices();
            case BYTES_FROM_SERVICES -> gateway.bytesFromServices();
            case TLS_TO_SSH -> gateway.tlsToSsh();
            case TLS_TO_HTTPS -> gateway.tlsToHttps();
            case TLS_REFUSED -> gateway.tlsRefused();
            case TUNNEL_LIST -> TunnelTable.json(registry.all().stream()
                    .map(t -> new TunnelTable.Row(t.info(), t.statistics())).toList());
            default -> null;
        };
    }

    /** What a metric reads while no adapter runs: nothing is open and nothing has moved. */
    private static Object idle(String name) {
        Metric metric = METRICS.get(name);
        if (metric == null) {
            return null;
        }
        if (metric.type() == int.class) {
            return 0;
        }
        if (metric.type() == long.class) {
            return 0L;
        }
        return "[]";
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** {@code :clear-statistics}: zeroes the totals of the gateway and of every tunnel; gauges count what is open. */
    @Override
    public void clear() {
        running().ifPresent(registry -> {
            registry.statistics().clearTotals();
            registry.all().forEach(t -> t.statistics().clearTotals());
        });
    }

    private Optional<TunnelDirectory> running() {
        // Null only in a deserialized copy, which has no adapter to read.
        return directory == null ? Optional.empty() : directory.get();
    }
}
