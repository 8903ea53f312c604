package dev.gangway.connector.peer;

import java.net.InetSocketAddress;

/**
 * Where the peer port listens, and whatever keeps that address valid while it does (in WildFly, a service that
 * demands the socket binding). In-JVM tests give a plain address.
 */
public interface PeerBinding extends AutoCloseable {

    InetSocketAddress address();

    @Override
    void close();

    /** A fixed address, nothing to release (tests; a server without MSC). */
    static PeerBinding fixed(InetSocketAddress address) {
        return new PeerBinding() {
            @Override
            public InetSocketAddress address() {
                return address;
            }

            @Override
            public void close() {
                // Nothing held.
            }
        };
    }

    /** Finds the binding named by the {@code peerSocketBinding} setting. */
    @FunctionalInterface
    interface Lookup {
        PeerBinding open(String socketBindingName) throws Exception;
    }
}
