package dev.gangway.connector.api;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings the web tier takes from the resource adapter's configuration, so that an operator sets them in one
 * place (the {@code resource-adapters} subsystem).
 *
 * @param baseUrl            the public base URL, e.g. {@code http://localhost:8080}; tunnel hosts are
 *                           {@code <key>.<base host>}
 * @param trustedProxies     addresses or CIDR blocks whose own {@code X-Forwarded-*} headers are believed
 * @param visitorIdleTimeout how long a visitor's exchange or upgraded stream may go without a byte in either
 *                           direction before it is closed; {@link Duration#ZERO} for never
 * @param maxRequestTime     how long a visitor's exchange may take from its request to the end of its response;
 *                           {@link Duration#ZERO} for no limit. Upgraded streams are bounded by the idle timeout only
 * @param privateTunnelGroups groups whose signed-in members may visit any private tunnel, besides its owner
 * @param identityKeyFile    the file holding the key that signs the identity JWT sent to services behind private
 *                           tunnels (created by the web tier when absent)
 * @param sso                single sign-on: whether it is on (authMode sso), its groups, claim and intervals
 */
public record GatewaySettings(URI baseUrl, List<String> trustedProxies, Duration visitorIdleTimeout,
                              Duration maxRequestTime, List<String> privateTunnelGroups, String identityKeyFile,
                              SsoSettings sso) implements Serializable {

    /** Settings with single sign-on off. */
    public GatewaySettings(URI baseUrl, List<String> trustedProxies, Duration visitorIdleTimeout,
                           Duration maxRequestTime, List<String> privateTunnelGroups, String identityKeyFile) {
        this(baseUrl, trustedProxies, visitorIdleTimeout, maxRequestTime, privateTunnelGroups, identityKeyFile,
                SsoSettings.off());
    }

    public GatewaySettings {
        privateTunnelGroups = List.copyOf(privateTunnelGroups);
        Objects.requireNonNull(identityKeyFile, "identityKeyFile");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(sso, "sso");
        trustedProxies = List.copyOf(trustedProxies);
        requireNotNegative(visitorIdleTimeout, "visitorIdleTimeout");
        requireNotNegative(maxRequestTime, "maxRequestTime");
    }

    /** The base URL's host name, lower case, e.g. {@code localhost}. */
    public String baseHostname() {
        return baseUrl.getHost().toLowerCase(Locale.ROOT);
    }

    private static void requireNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
