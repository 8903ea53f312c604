package dev.gangway.connector.api;

/**
 * Told when a tunnel of this node opens or closes, for the audit log. Registered with
 * {@link TunnelConnectionFactory#observeTunnels}. Called after the registry changed, on an SSH I/O thread: must not
 * block and must not throw.
 */
public interface TunnelObserver {

    /** @param from the SSH client's address, {@code host:port} */
    void opened(TunnelInfo tunnel, String from);

    /**
     * @param from   the SSH client's address, {@code host:port}
     * @param reason why it closed, for people: the client cancelled it, the connection closed, it was taken over…
     */
    void closed(TunnelInfo tunnel, String from, String reason);
}
