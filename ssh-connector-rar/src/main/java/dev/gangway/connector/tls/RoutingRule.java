package dev.gangway.connector.tls;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PROTOCOL.md "SSH over TLS": a connection whose ALPN offers {@code ssh}, or whose SNI is one of the configured SSH
 * host names (compared case-insensitively, as DNS names are), is SSH; everything else is HTTPS.
 */
public final class RoutingRule {

    public static final String SSH_ALPN = "ssh";

    private final Set<String> sshHostnames;

    public RoutingRule(Collection<String> sshHostnames) {
        this.sshHostnames = sshHostnames.stream().map(RoutingRule::normalise).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public TlsRoute route(ClientHello hello) {
        if (hello.alpn().contains(SSH_ALPN)) {
            return TlsRoute.SSH;
        }
        return hello.serverName().map(RoutingRule::normalise).filter(sshHostnames::contains).isPresent()
                ? TlsRoute.SSH : TlsRoute.HTTPS;
    }

    /** For the start-up log line. */
    public String describe() {
        return sshHostnames.isEmpty()
                ? "ALPN \"ssh\" -> SSH, everything else -> HTTPS"
                : "ALPN \"ssh\" or SNI in " + sshHostnames.stream().sorted().toList() + " -> SSH, everything else -> HTTPS";
    }

    /** A fully qualified name's trailing dot names the same host. */
    private static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
