package dev.gangway.connector.tls;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;

/**
 * Where the front door gets what the server manages: the SSL context that terminates SSH over TLS and the address
 * of the https listener HTTPS connections go to. Asked again for every connection, so that a certificate rotated
 * through the management API applies to the next connection without a restart.
 */
public interface TlsSources extends AutoCloseable {

    SSLContext sslContext();

    InetSocketAddress httpsBackend();

    /** Releases what looking the sources up holds; the default holds nothing. */
    @Override
    default void close() {
    }
}
