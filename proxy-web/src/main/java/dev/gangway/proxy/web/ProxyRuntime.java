package dev.gangway.proxy.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

import dev.gangway.connector.api.GatewaySettings;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.accounts.visit.VisitorHandoff;
import dev.gangway.proxy.access.OwnerJwts;
import dev.gangway.proxy.access.OwnerKeys;
import dev.gangway.proxy.access.PrivateAccess;
import dev.gangway.proxy.identity.IdentityKey;
import dev.gangway.proxy.identity.IdentityTokens;
import dev.gangway.proxy.log.ProxyLogger;
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

    /** The sign-in page on the base host; {@code ?return=<absolute URL>} says where to send the visitor back. */
    public static final String SIGN_IN_PATH = "/_gangway/signin";

    private final TunnelConnectionFactory factory;
    private final HostRouter router;
    private final TrustedProxies trustedProxies;
    private final StreamTimeouts timeouts;
    private final InjectionCache injections = new InjectionCache();
    private final String baseHost;
    private final String signInUrl;
    private final OwnerJwts ownerJwts = new OwnerJwts(Clock.systemUTC());
    private final OwnerKeys ownerKeys = new OwnerKeys();
    private final PrivateAccess privateAccess;
    private final VisitorHandoff handoff;

    private final IdentityTokens identityTokens;
    private final boolean ssoEnabled;

    private ProxyRuntime(TunnelConnectionFactory factory, HostRouter router, TrustedProxies trustedProxies,
                         StreamTimeouts timeouts, String baseHost, String signInUrl, IdentityTokens identityTokens,
                         boolean ssoEnabled) {
        this.ssoEnabled = ssoEnabled;
        this.factory = factory;
        this.router = router;
        this.trustedProxies = trustedProxies;
        this.timeouts = timeouts;
        this.baseHost = baseHost;
        this.signInUrl = signInUrl;
        this.identityTokens = identityTokens;
        this.privateAccess = new PrivateAccess(ownerJwts, ownerKeys, identityTokens.sessions(),
                factory.settings().privateTunnelGroups());
        this.handoff = new VisitorHandoff(baseHost, Clock.systemUTC());
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
                settings.baseHostname(), signInUrl(settings), identityTokens(settings), settings.sso().enabled());
    }

    /** @throws IllegalArgumentException if the identity key file can neither be read nor made */
    private static IdentityTokens identityTokens(GatewaySettings settings) {
        Path file = Path.of(settings.identityKeyFile());
        boolean existed = Files.exists(file);
        IdentityKey key;
        try {
            key = IdentityKey.loadOrCreate(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("the identity key file " + file + " cannot be used (" + e.getMessage()
                    + "); fix or remove it (identityKeyFile)", e);
        }
        if (!existed) {
            ProxyLogger.ROOT.identityKeyCreated(file.toString());
        }
        return new IdentityTokens(key, withoutTrailingSlash(settings.baseUrl().toString()), Clock.systemUTC());
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The base host's sign-in page (PROTOCOL.md: a visitor of a private tunnel without credentials goes there). */
    private static String signInUrl(GatewaySettings settings) {
        return withoutTrailingSlash(settings.baseUrl().toString()) + SIGN_IN_PATH;
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

    public PrivateAccess privateAccess() {
        return privateAccess;
    }

    /** The absolute URL of the sign-in page, without query. */
    public String signInUrl() {
        return signInUrl;
    }

    /** Signs the identity JWT sent to private tunnels' services; its JWKS is served on the base host. */
    public IdentityTokens identityTokens() {
        return identityTokens;
    }

    /** Verified owner JWTs, shared by private tunnels and the profile API. */
    public OwnerJwts ownerJwts() {
        return ownerJwts;
    }

    /** The tunnels' owner keys, parsed once. */
    public OwnerKeys ownerKeys() {
        return ownerKeys;
    }

    /** The one-time codes that bring a signed-in visitor from the sign-in page to a tunnel host. */
    public VisitorHandoff handoff() {
        return handoff;
    }

    public String baseHost() {
        return baseHost;
    }

    /** Whether authMode is sso, i.e. whether the base host's sign-in pages are on. */
    public boolean ssoEnabled() {
        return ssoEnabled;
    }
}
