package dev.gangway.it.support;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the IT server listens. The values come from proxy-ear/pom.xml (failsafe system properties), so the pom is
 * the one place that decides them; the defaults only help when a test is started from an IDE.
 */
public final class ItServer {

    private ItServer() {
    }

    /** The host every IT talks to; the server's public interface and management both bind to loopback. */
    public static final String HOST = "localhost";

    public static int httpPort() {
        return Integer.getInteger("gangway.it.http-port", 8380);
    }

    public static int managementPort() {
        return Integer.getInteger("gangway.it.management-port", 10290);
    }

    public static int sshPort() {
        return Integer.getInteger("gangway.it.ssh-port", 2522);
    }

    /** The public TLS port: HTTPS for visitors and SSH over TLS, told apart by the TLS ClientHello. */
    public static int tlsPort() {
        return Integer.getInteger("gangway.it.tls-port", 8743);
    }

    /** The host name the server takes as SSH when a TLS client names it (SNI), with or without ALPN {@code ssh}. */
    public static String tlsSshHostname() {
        return System.getProperty("gangway.it.tls-ssh-hostname", "ssh-over-tls.example");
    }

    /** How long the TLS port waits for a ClientHello (and, for SSH, the rest of the handshake). */
    public static Duration tlsHandshakeTimeout() {
        return Duration.ofSeconds(Integer.getInteger("gangway.it.tls-handshake-timeout", 3));
    }

    /** The base URL the server is configured with, e.g. {@code http://localhost:8380}. */
    public static URI baseUrl() {
        return URI.create(System.getProperty("gangway.it.base-url", "http://localhost:" + httpPort()));
    }

    /** The built EAR, {@code proxy-ear/target/proxy-ear.ear}. */
    public static Path earFile() {
        return Path.of(System.getProperty("gangway.it.ear", "target/proxy-ear.ear"));
    }

    /** The IT server's own directory (a copy of the configured server), e.g. to read its log. */
    public static Path serverDir() {
        return Path.of(System.getProperty("gangway.it.server-dir", "target/it-server"));
    }

    /** {@code http://localhost:<http port><path>}: the base host, where Gangway's own pages live. */
    public static URI url(String path) {
        return URI.create("http://" + HOST + ":" + httpPort() + path);
    }

    /** A tunnel's host name as an HTTPS visitor addresses it on the TLS port, {@code <key>.<base host>:<tls port>}. */
    public static String tunnelHostOverTls(String tunnelKey) {
        return tunnelKey + "." + baseUrl().getHost() + ":" + tlsPort();
    }

    /** The host name of a tunnel, {@code <key>.<base host>}, to send as the Host header. */
    public static String tunnelHost(String tunnelKey) {
        return tunnelKey + "." + baseUrl().getHost() + ":" + httpPort();
    }
}
