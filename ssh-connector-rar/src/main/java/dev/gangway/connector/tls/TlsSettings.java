package dev.gangway.connector.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The TLS front door's settings, validated, as the resource adapter's config properties give them.
 *
 * @param bindAddress         address of the public TLS listener
 * @param port                its port; 0 picks a free one (tests)
 * @param sslContextName      Elytron server-ssl-context that terminates SSH over TLS
 * @param httpsSocketBinding  socket binding of the Undertow https listener HTTPS connections are passed to
 * @param sshHostnames        SNI names that make a connection SSH even without ALPN {@code ssh}
 * @param handshakeTimeout    how long a connection may take to send its whole ClientHello and, for SSH, to finish
 *                            the TLS handshake
 */
public record TlsSettings(String bindAddress, int port, String sslContextName, String httpsSocketBinding,
                          List<String> sshHostnames, Duration handshakeTimeout) {

    /** The most a ClientHello may take, record headers included: real ones are under 2 KiB, post-quantum ~ 3 KiB. */
    public static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    public TlsSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(sslContextName, "sslContextName");
        Objects.requireNonNull(httpsSocketBinding, "httpsSocketBinding");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        sshHostnames = List.copyOf(sshHostnames);
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("tlsBindAddress is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("tlsPort " + port + " is not a TCP port (0-65535)");
        }
        if (sslContextName.isBlank()) {
            throw new IllegalArgumentException("tlsSslContext is empty");
        }
        if (httpsSocketBinding.isBlank()) {
            throw new IllegalArgumentException("tlsHttpsSocketBinding is empty");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("tlsHandshakeTimeoutSeconds must be at least 1");
        }
    }
}
