package dev.gangway.connector.tunnel;

import dev.gangway.connector.stats.GatewayStatistics;

import java.util.Collection;
import java.util.Optional;

/** Read side of the tunnel registry: what the outbound (JCA) side needs to find a tunnel by key. */
public interface TunnelDirectory {

    /** The live tunnel with this key (lower case), if any. Never blocks. */
    Optional<Tunnel> find(String key);

    /** A snapshot of every live tunnel. */
    Collection<Tunnel> all();

    /** The gateway-wide live counts; each tunnel's own are {@link Tunnel#statistics()}. */
    GatewayStatistics statistics();
}
