package dev.gangway.connector.tls;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the front door needs from a TLS ClientHello to route the connection: the server name (SNI) and the offered
 * application protocols (ALPN), both as sent, before any TLS termination.
 *
 * @param serverName the first {@code host_name} of the server_name extension; empty when the client sent none
 * @param alpn       the ALPN protocol names in the client's order; empty when it offered none
 */
public record ClientHello(Optional<String> serverName, List<String> alpn) {

    public ClientHello {
        Objects.requireNonNull(serverName, "serverName");
        alpn = List.copyOf(alpn);
    }
}
