package dev.gangway.connector.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

/**
 * The non-managed connection manager the JCA spec asks for: used outside a container (the adapter's in-JVM tests).
 * Every allocation makes a new managed connection, destroyed when its handle ends. No pooling, no reuse.
 */
final class UnpooledConnectionManager implements ConnectionManager {

    private static final long serialVersionUID = 1L;

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info) throws ResourceException {
        ManagedConnection mc = factory.createManagedConnection(null, info);
        mc.addConnectionEventListener(new DestroyOnEnd(mc));
        try {
            return mc.getConnection(null, info);
        } catch (ResourceException | RuntimeException e) {
            mc.destroy();
            throw e;
        }
    }

    private record DestroyOnEnd(ManagedConnection mc) implements ConnectionEventListener {

        @Override
        public void connectionClosed(ConnectionEvent event) {
            destroy();
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            destroy();
        }

        private void destroy() {
            try {
                mc.destroy();
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
        }
    }
}
