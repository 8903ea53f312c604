package dev.gangway.connector.api;

import java.io.Serializable;
import java.net.URI;
import java.util.List;

/**
 * Settings the web tier takes from the resource adapter's configuration, so that an operator sets them in one
 * place (the {@code resource-adapters} subsystem).
 *
 * @param baseUrl        the public base URL, e.g. {@code http://localhost:8080}; tunnel hosts are
 *                       {@code <key>.<base host>}
 * @param trustedProxies addresses or CIDR blocks whose own {@code X-Forwarded-*} headers are believed
 */
public record GatewaySettings(URI baseUrl, List<String> trustedProxies) implements Serializable {

    public GatewaySettings {
        baseUrl = java.util.Objects.requireNonNull(baseUrl, "baseUrl");
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The base URL's host name, lower case, e.g. {@code localhost}. */
    public String baseHostname() {
        return baseUrl.getHost().toLowerCase(java.util.Locale.ROOT);
    }
}
