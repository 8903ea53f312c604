package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.stats.TunnelStatistics;

import java.time.Duration;
import java.util.Objects;

/** A tunnel the registry gave a key to: the request, the connection holding it, and what visitors are told of it. */
public final class RegisteredTunnel implements Tunnel {

    private final TunnelOwner owner;
    private final TunnelRequest request;
    private final TunnelInfo info;
    private final TunnelStatistics statistics;
    /** The cluster directory entry filed for it, while one is; what a release removes, conditionally. */
    private volatile ClusterTunnel clusterEntry;

    RegisteredTunnel(TunnelOwner owner, TunnelRequest request, TunnelInfo info, TunnelStatistics statistics) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.request = Objects.requireNonNull(request, "request");
        this.info = Objects.requireNonNull(info, "info");
        this.statistics = Objects.requireNonNull(statistics, "statistics");
    }

    public TunnelOwner owner() {
        return owner;
    }

    public TunnelRequest request() {
        return request;
    }

    /** The entry filed for it in the cluster directory, or {@code null} on a single node or before it was filed. */
    public ClusterTunnel clusterEntry() {
        return clusterEntry;
    }

    void filedAs(ClusterTunnel entry) {
        this.clusterEntry = entry;
    }

    @Override
    public TunnelInfo info() {
        return info;
    }

    @Override
    public boolean isOpen() {
        return owner.isOpen();
    }

    @Override
    public TunnelStatistics statistics() {
        return statistics;
    }

    @Override
    public TunnelStream openStream(Duration timeout) throws TunnelException {
        return owner.openStream(request, timeout, statistics);
    }

    @Override
    public String toString() {
        return "tunnel " + info.key() + " (" + request.kind() + " " + request.requestString() + ")";
    }
}
