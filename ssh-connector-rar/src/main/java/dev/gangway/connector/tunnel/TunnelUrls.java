package dev.gangway.connector.tunnel;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A tunnel's public URL: the base URL with its host name replaced by {@code <key>.<base host name>}.
 *
 * <p>The result is serialized the way a WHATWG URL (Node's {@code URL#toString}, which Preevy uses) serializes it,
 * because clients compare and print it: scheme and host in lower case, a scheme's default port left out, and an
 * empty path written as {@code /}. So base URL {@code http://localhost:8080} gives
 * {@code http://<key>.localhost:8080/}, the same trailing slash as the {@code rootUrl} of {@code hello}. A
 * non-empty path, a query and a fragment are kept as they are.
 */
public final class TunnelUrls {

    private TunnelUrls() {
    }

    /**
     * @throws IllegalArgumentException if the base URL has no scheme or host name
     */
    public static String url(URI baseUrl, String key) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(key, "key");
        return withHost(baseUrl, key + "." + host(baseUrl));
    }

    /** The base URL itself, serialized as {@link #url} serializes tunnel URLs ({@code hello}'s {@code rootUrl}). */
    public static String root(URI baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        return withHost(baseUrl, host(baseUrl));
    }

    private static String host(URI baseUrl) {
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base URL '" + baseUrl + "' needs a scheme and a host name");
        }
        return baseUrl.getHost().toLowerCase(Locale.ROOT);
    }

    private static String withHost(URI baseUrl, String host) {
        String scheme = baseUrl.getScheme().toLowerCase(Locale.ROOT);
        int port = baseUrl.getPort() == defaultPort(scheme) ? -1 : baseUrl.getPort();
        String path = baseUrl.getRawPath() == null || baseUrl.getRawPath().isEmpty() ? "/" : baseUrl.getRawPath();
        try {
            // Built from the raw parts so that percent-encoding stays exactly as configured; URI validates it.
            StringBuilder url = new StringBuilder(scheme).append("://");
            if (baseUrl.getRawUserInfo() != null) {
                url.append(baseUrl.getRawUserInfo()).append('@');
            }
            url.append(host);
            if (port != -1) {
                url.append(':').append(port);
            }
            url.append(path);
            if (baseUrl.getRawQuery() != null) {
                url.append('?').append(baseUrl.getRawQuery());
            }
            if (baseUrl.getRawFragment() != null) {
                url.append('#').append(baseUrl.getRawFragment());
            }
            return new URI(url.toString()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + host + "' is not a valid host name for a URL", e);
        }
    }

    private static int defaultPort(String scheme) {
        switch (scheme) {
            case "http":
            case "ws":
                return 80;
            case "https":
            case "wss":
                return 443;
            default:
                return -2; // no default: never equal to a URI's port (-1 when absent)
        }
    }
}
