package dev.gangway.proxy.routing;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides, from the Host header, the method and the raw request target, whether a request is for a tunnel, for the
 * gateway itself, or for nobody. Pure logic: no I/O, no Undertow types.
 *
 * <p>Order matters. The base host is always the gateway's own (tunnel content must never share the origin of its
 * pages and API, so {@code /proxy/…} is not routed there). A host {@code <label>.<base>} goes to tunnel
 * {@code label}, unless no such tunnel is live and the path is {@code /proxy/<key>/…}: that is how
 * {@code proxy.<base>/proxy/<key>/} reaches path routing without reserving the label {@code proxy}.
 */
public final class HostRouter {

    private static final String PROXY_PREFIX = "/proxy/";
    private static final String HEALTH_PATH = "/healthz";

    private final String baseHost;
    private final String tunnelHostSuffix;
    private final Predicate<String> liveTunnel;

    /**
     * @param baseHost   the base host name (any case, no port)
     * @param liveTunnel whether a tunnel key is live now (a cheap registry lookup)
     */
    public HostRouter(String baseHost, Predicate<String> liveTunnel) {
        this.baseHost = normalizeHost(Objects.requireNonNull(baseHost, "baseHost"));
        if (this.baseHost.isEmpty()) {
            throw new IllegalArgumentException("The base host name is empty; configure the gateway's base URL");
        }
        this.tunnelHostSuffix = "." + this.baseHost;
        this.liveTunnel = Objects.requireNonNull(liveTunnel, "liveTunnel");
    }

    /**
     * @param hostHeader the Host header as sent (may carry a port, may be {@code null})
     * @param method     the request method
     * @param target     the raw request target in origin form: path, and {@code ?query} if any
     */
    public Route route(String hostHeader, String method, String target) {
        String host = hostHeader == null ? "" : normalizeHost(hostHeader);
        String path = pathOf(target);
        if (host.equals(baseHost)) {
            return isHealthProbe(method, path) ? new Route.Health() : new Route.Application();
        }
        String label = tunnelLabel(host);
        if (label != null) {
            if (!liveTunnel.test(label)) {
                Route byPath = routeByPath(target);
                if (byPath != null) {
                    return byPath;
                }
            }
            return new Route.ToTunnel(label, target);
        }
        Route byPath = routeByPath(target);
        if (byPath != null) {
            return byPath;
        }
        // Load balancers probe by address, not by name: answer the probe on any host that is not a tunnel's.
        return isHealthProbe(method, path) ? new Route.Health() : new Route.UnknownHost();
    }

    /** The tunnel key a host names, or {@code null}: exactly one non-empty label in front of the base host. */
    private String tunnelLabel(String host) {
        if (!host.endsWith(tunnelHostSuffix)) {
            return null;
        }
        String label = host.substring(0, host.length() - tunnelHostSuffix.length());
        return label.isEmpty() || label.indexOf('.') >= 0 ? null : label;
    }

    /** {@code /proxy/<key>/<rest>} → tunnel {@code key}, target {@code /<rest>} with the query kept. */
    private static Route routeByPath(String target) {
        if (!target.startsWith(PROXY_PREFIX)) {
            return null;
        }
        int keyEnd = indexOfAny(target, PROXY_PREFIX.length());
        String key = target.substring(PROXY_PREFIX.length(), keyEnd).toLowerCase(Locale.ROOT);
        if (key.isEmpty()) {
            return null;
        }
        String rest = target.substring(keyEnd);
        if (rest.isEmpty() || rest.charAt(0) == '?') {
            rest = "/" + rest;
        }
        return new Route.ToTunnel(key, rest);
    }

    private static int indexOfAny(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?') {
                return i;
            }
        }
        return s.length();
    }

    private static boolean isHealthProbe(String method, String path) {
        return "GET".equalsIgnoreCase(method) && HEALTH_PATH.equals(path);
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** Lower case, port and one trailing dot removed; IPv6 literals keep their brackets; {@code null} is empty. */
    public static String normalizeHost(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }
}
