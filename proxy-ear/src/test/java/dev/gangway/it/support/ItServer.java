package dev.gangway.it.support;

import java.net.URI;
import java.nio.file.Path;

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

    /** The host name of a tunnel, {@code <key>.<base host>}, to send as the Host header. */
    public static String tunnelHost(String tunnelKey) {
        return tunnelKey + "." + baseUrl().getHost() + ":" + httpPort();
    }
}
