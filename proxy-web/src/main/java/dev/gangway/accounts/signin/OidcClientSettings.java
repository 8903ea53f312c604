package dev.gangway.accounts.signin;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

import jakarta.servlet.ServletContext;

import org.wildfly.security.http.oidc.Oidc;
import org.wildfly.security.http.oidc.OidcClientConfigurationBuilder;
import org.wildfly.security.http.oidc.OidcJsonConfiguration;

/**
 * The provider and client this deployment signs people in with, as WildFly's OIDC client has them: the
 * {@code elytron-oidc-client} subsystem hands its secure deployment's settings (expressions resolved) to the WAR as a
 * JSON context parameter, which WildFly's own parser reads here. So the re-checks talk to the very provider, as the
 * very client, that signed people in, whichever way an operator wrote the settings (system properties, the console,
 * a credential store).
 *
 * @param issuer   the provider's issuer URL ({@code provider-url})
 * @param clientId the confidential client's id
 * @param secret   its secret; never logged ({@link #toString()} leaves it out)
 */
public record OidcClientSettings(URI issuer, String clientId, String secret) {

    public OidcClientSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(secret, "secret");
    }

    /**
     * The settings of the secure deployment this WAR is, or empty when WildFly secures it with no OIDC client
     * ({@code provider-url}, client id or secret missing: {@code configure-server.cli} not applied).
     */
    public static Optional<OidcClientSettings> of(ServletContext context) {
        String json = context.getInitParameter(Oidc.JSON_CONFIG_CONTEXT_PARAM);
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        OidcJsonConfiguration config = OidcClientConfigurationBuilder.loadOidcJsonConfiguration(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        Object secret = config.getCredentials() == null ? null : config.getCredentials().get("secret");
        if (config.getProviderUrl() == null || config.getResourceName() == null || !(secret instanceof String text)) {
            return Optional.empty();
        }
        return Optional.of(new OidcClientSettings(URI.create(config.getProviderUrl()), config.getResourceName(), text));
    }

    @Override
    public String toString() {
        return "OidcClientSettings[issuer=" + issuer + ", clientId=" + clientId + "]";
    }
}
