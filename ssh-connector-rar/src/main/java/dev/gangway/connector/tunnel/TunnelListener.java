package dev.gangway.connector.tunnel;

/**
 * Told when a key changes hands, for metrics and for dropping pooled channels of a tunnel that is gone. Called after
 * the registry changed, outside its lock, on whatever thread made the change (often an SSH I/O thread): must not
 * block, and must not throw.
 */
public interface TunnelListener {

    void registered(Tunnel tunnel);

    void unregistered(Tunnel tunnel);
}
