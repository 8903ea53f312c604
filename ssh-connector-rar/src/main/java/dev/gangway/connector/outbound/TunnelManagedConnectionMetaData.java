package dev.gangway.connector.outbound;

import jakarta.resource.spi.ManagedConnectionMetaData;

/** What the container may show about a managed connection. One visitor stream per connection at a time. */
record TunnelManagedConnectionMetaData(String tunnelKey) implements ManagedConnectionMetaData {

    @Override
    public String getEISProductName() {
        return "Gangway SSH tunnel";
    }

    @Override
    public String getEISProductVersion() {
        return "1";
    }

    @Override
    public int getMaxConnections() {
        return 0; // no limit of our own; the pool's max-pool-size bounds streams per tunnel
    }

    @Override
    public String getUserName() {
        return tunnelKey;
    }
}
