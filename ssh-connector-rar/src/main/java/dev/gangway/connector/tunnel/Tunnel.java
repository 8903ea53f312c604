package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.connector.stats.TunnelStatistics;

import java.time.Duration;

/** A live tunnel in the registry: what it is, and how to open a channel to the service behind it. */
public interface Tunnel {

    TunnelInfo info();

    /** Whether the SSH session holding it is still open. */
    boolean isOpen();

    /** Its live counters: channels, visitor streams, bytes. */
    TunnelStatistics statistics();

    /**
     * Opens a new channel to the client for one visitor stream; blocks until the client accepts or refuses, or the
     * timeout passes. Never call on an I/O thread.
     *
     * @throws TunnelException REFUSED_BY_CLIENT, TIMEOUT or UNAVAILABLE
     */
    TunnelStream openStream(Duration timeout) throws TunnelException;
}
