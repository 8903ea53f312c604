package dev.gangway.proxy.web;

import java.util.Objects;

import dev.gangway.connector.api.GatewaySettings;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.proxy.inject.InjectionSpecs;
import dev.gangway.proxy.http.TrustedProxies;
import dev.gangway.proxy.routing.HostRouter;
import dev.gangway.proxy.stream.StreamTimeouts;

/**
 * What the handler needs at request time, built once from the resource adapter's connection factory: the factory,
 * the router for the configured base host, the trusted-proxy matcher, the stream timeouts and the parsed
 * {@code inject=} specs of the tunnels.
 */
public final class ProxyRuntime {

    /** Servlet context attribute under which the listener publishes the runtime for the handler. */
    public static final String ATTRIBUTE = ProxyRuntime.class.getName();

    private final TunnelConnectionFactory factory;
    private final HostRouter router;
    private final TrustedProxies trustedProxies;
    private final StreamTimeouts timeouts;
    private final InjectionCache injections = new InjectionCache();
    private final String baseHost;
    private final boolean ssoEnabled;

    private ProxyRuntime(TunnelConnectionFactory factory, HostRouter router, TrustedProxies trustedProxies,
                         StreamTimeouts timeouts, String baseHost, boolean ssoEnabled) {
        this.ssoEnabled = ssoEnabled;
        this.factory = factory;
        this.router = router;
        this.trustedProxies = trustedProxies;
        this.timeouts = timeouts;
        this.baseHost = baseHost;
    }

    /** @throws IllegalArgumentException if the settings are unusable (no base host, a bad trusted proxy) */
    public static ProxyRuntime create(TunnelConnectionFactory factory) {
        Objects.requireNonNull(factory, "factory");
        GatewaySettings settings = factory.settings();
        String baseHost = settings.baseUrl().getHost();
        if (baseHost == null) {
            throw new IllegalArgumentException("the base URL " + settings.baseUrl() + " has no host name");
        }
        HostRouter router = new HostRouter(baseHost, key -> factory.findTunnel(key).isPresent());
        return new ProxyRuntime(factory, router, TrustedProxies.parse(settings.trustedProxies()),
                new StreamTimeouts(settings.visitorIdleTimeout(), settings.maxRequestTime()),
                settings.baseHostname(), settings.sso().enabled());
    }

    /**
     * The runtime the deployment's listener published in {@code context}.
     *
     * @throws IllegalStateException before the listener published it
     */
    public static ProxyRuntime of(jakarta.servlet.ServletContext context) {
        Object runtime = context.getAttribute(ATTRIBUTE);
        if (runtime == null) {
            throw new IllegalStateException("the proxy runtime is not published yet");
        }
        return (ProxyRuntime) runtime;
    }

    public TunnelConnectionFactory factory() {
        return factory;
    }

    public HostRouter router() {
        return router;
    }

    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** The tunnel's {@code inject=} specs, parsed once. */
    public InjectionSpecs injections(TunnelInfo tunnel) {
        return injections.of(tunnel);
    }

    public StreamTimeouts timeouts() {
        return timeouts;
    }

    public String baseHost() {
        return baseHost;
    }

    /** Whether authMode is sso, i.e. whether the base host's sign-in pages are on. */
    public boolean ssoEnabled() {
        return ssoEnabled;
    }
}
