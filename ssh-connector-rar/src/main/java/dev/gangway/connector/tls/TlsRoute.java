package dev.gangway.connector.tls;

/** Where the front door sends a TLS connection. */
public enum TlsRoute {
    /** Terminated here; the plaintext goes to the SSH server. */
    SSH,
    /** Passed on untouched to the web tier's https listener. */
    HTTPS
}
