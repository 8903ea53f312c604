package dev.gangway.proxy.web;

import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.gangway.accounts.visit.VisitorHandoff;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.proxy.access.PrivateAccess;
import dev.gangway.proxy.access.VisitorIdentity;
import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.IdentityHeaders;
import dev.gangway.proxy.identity.VisitorSessions;
import dev.gangway.proxy.routing.HostRouter;
import dev.gangway.proxy.http.RequestBodyFraming;
import dev.gangway.proxy.http.UpgradeRequest;
import dev.gangway.proxy.http.VisitorError;
import dev.gangway.proxy.inject.ScriptInjection;
import dev.gangway.proxy.log.ProxyLogger;
import dev.gangway.proxy.routing.Route;
import dev.gangway.proxy.stream.ForwardedRequest;
import dev.gangway.proxy.stream.ProxyExchange;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * The first handler a request meets in this deployment: routes it to a tunnel, answers the health probe, answers
 * 404 for unknown hosts, or passes it on to the servlet chain (the gateway's own pages and API on the base host).
 *
 * <p>Runs on the I/O thread and never blocks there: the registry lookup is cheap, and the proxying itself
 * dispatches to a worker for the one blocking step.
 */
public final class GatewayHandler implements HttpHandler {

    private static final AttachmentKey<Routed> ROUTED = AttachmentKey.create(Routed.class);
    /** A private tunnel's access decision made on a worker, for the second pass on the I/O thread. */
    private static final AttachmentKey<PrivateAccess.Decision> DECISION = AttachmentKey.create(PrivateAccess.Decision.class);

    /** What the handler found for a request it proxies, handed on to {@link #proxy} past the 100-continue step. */
    private record Routed(Route.ToTunnel route, TunnelInfo tunnel, UpgradeRequest upgrade, Admitted admitted) {
    }

    /**
     * A private tunnel's visitor who got through: the identity headers for the service, and whether the visitor's
     * {@code Authorization} carried Gangway's own credential (removed then; a service's own Basic auth passes).
     */
    private record Admitted(List<HeaderField> identityHeaders, boolean dropAuthorization) {
        static final Admitted PUBLIC = new Admitted(List.of(), false);
    }

    private final HttpHandler next;
    private final Supplier<ProxyRuntime> runtime;
    // Sends "100 Continue" when the proxy first reads the body, so that the service never has to.
    private final HttpHandler tunnelHandler = new HttpContinueReadHandler(this::proxy);
    private volatile boolean warnedNotReady;

    /**
     * @param next    the servlet chain
     * @param runtime the runtime, or {@code null} until the deployment's listener has published it
     */
    public GatewayHandler(HttpHandler next, Supplier<ProxyRuntime> runtime) {
        this.next = next;
        this.runtime = runtime;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ProxyRuntime rt = runtime.get();
        if (rt == null) {
            if (!warnedNotReady) {
                warnedNotReady = true;
                ProxyLogger.ROOT.factoryNotReady(TunnelConnectionFactory.JNDI_NAME);
            }
            ErrorPage.send(exchange, VisitorError.notReady());
            return;
        }
        String target = VisitorRequest.rawTarget(exchange);
        Route route = rt.router().route(exchange.getRequestHeaders().getFirst(Headers.HOST),
                exchange.getRequestMethod().toString(), target);
        if (route instanceof Route.Application) {
            if (!rt.ssoEnabled() && SignInPaths.isSignInArea(exchange.getRequestPath())) {
                // Answered before WildFly's OIDC mechanism, which would try to reach a provider nobody set up.
                ErrorPage.ssoNotConfigured(exchange);
                return;
            }
            next.handleRequest(exchange);
        } else if (route instanceof Route.Health) {
            ErrorPage.healthy(exchange);
        } else if (route instanceof Route.UnknownHost) {
            ErrorPage.send(exchange, VisitorError.unknownHost());
        } else if (route instanceof Route.ToTunnel toTunnel) {
            Optional<TunnelInfo> tunnel = rt.factory().findTunnel(toTunnel.key());
            if (tunnel.isEmpty()) {
                ErrorPage.send(exchange, VisitorError.noTunnel());
            } else if (tunnel.get().access() == TunnelAccess.PRIVATE && !Methods.OPTIONS.equals(exchange.getRequestMethod())) {
                // PROTOCOL.md: OPTIONS always passes (CORS preflights carry no credentials).
                String host = toTunnel.key() + "." + rt.baseHost();
                if (isCallback(exchange, toTunnel, host)) {
                    SignInCallback.handle(exchange, rt, host);
                    return;
                }
                PrivateAccess.Decision decision = exchange.removeAttachment(DECISION);
                String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
                Cookie cookie = exchange.getRequestCookie(VisitorSessions.COOKIE);
                String session = cookie == null ? null : cookie.getValue();
                if (decision == null && exchange.isInIoThread()
                        && rt.privateAccess().needsSignatureCheck(tunnel.get(), authorization, session)) {
                    // A signature check takes milliseconds: on a worker, then back here with its outcome.
                    exchange.dispatch(exchange.getConnection().getWorker(), () -> {
                        exchange.putAttachment(DECISION, rt.privateAccess().decide(tunnel.get(), authorization,
                                session, host, asksForBasic(exchange)));
                        exchange.dispatch(exchange.getIoThread(), this);
                    });
                    return;
                }
                if (decision == null) {
                    decision = rt.privateAccess().decide(tunnel.get(), authorization, session, host,
                            asksForBasic(exchange));
                }
                if (decision instanceof PrivateAccess.OwnerJwt owner) {
                    VisitorIdentity identity = VisitorIdentity.ofOwner(tunnel.get().owner(), owner.thumbprintUri());
                    proxyOrRefuseUpgrade(exchange, new Routed(toTunnel, tunnel.get(), VisitorRequest.upgrade(exchange),
                            admitted(rt, toTunnel, identity, true)));
                } else if (decision instanceof PrivateAccess.SignedIn signedIn) {
                    // The session cookie is Gangway's; any Authorization is the service's own and passes.
                    proxyOrRefuseUpgrade(exchange, new Routed(toTunnel, tunnel.get(), VisitorRequest.upgrade(exchange),
                            admitted(rt, toTunnel, signedIn.identity(), false)));
                } else {
                    PrivateTunnelRefusal.send(exchange, rt, toTunnel, decision);
                }
            } else {
                proxyOrRefuseUpgrade(exchange, new Routed(toTunnel, tunnel.get(), VisitorRequest.upgrade(exchange),
                        Admitted.PUBLIC));
            }
        }
    }

    private static Admitted admitted(ProxyRuntime rt, Route.ToTunnel route, VisitorIdentity identity,
                                     boolean gangwayCredential) {
        String audience = route.key() + "." + rt.baseHost();
        String token = rt.identityTokens().tokenFor(identity, audience);
        return new Admitted(IdentityHeaders.of(identity.user(), identity.email(), identity.groups(), token),
                gangwayCredential);
    }

    /** The sign-in callback, only on the tunnel's own host: a session is bound to one host, never a shared one. */
    private static boolean isCallback(HttpServerExchange exchange, Route.ToTunnel route, String host) {
        String path = route.target();
        int query = path.indexOf('?');
        return (query < 0 ? path : path.substring(0, query)).equals(VisitorHandoff.CALLBACK_PATH)
                && host.equals(HostRouter.normalizeHost(exchange.getRequestHeaders().getFirst(Headers.HOST)));
    }

    private static boolean asksForBasic(HttpServerExchange exchange) {
        Deque<String> hint = exchange.getQueryParameters().get("_preevy_auth_hint");
        return hint != null && "basic".equals(hint.peekFirst());
    }

    private void proxyOrRefuseUpgrade(HttpServerExchange exchange, Routed routed) throws Exception {
        if (routed.upgrade().kind() == UpgradeRequest.Kind.UNSUPPORTED) {
            // Refused here, before the service sees it: relaying a 101 for a protocol the gateway cannot splice
            // would leave the visitor with a half-working connection.
            ProxyLogger.VISITOR.unsupportedUpgrade(exchange.getRequestHeaders().getFirst(Headers.UPGRADE),
                    routed.route().key());
            ErrorPage.send(exchange, VisitorError.unsupportedUpgrade());
        } else {
            // A tunnel's uploads are its service's business and they stream, so they are not capped (0 = no
            // limit). This lifts the cap for chunked bodies; a Content-Length over the listener's max-post-size
            // is refused by Undertow before any handler runs, so the listener must allow it (max-post-size=0).
            exchange.setMaxEntitySize(0);
            exchange.putAttachment(ROUTED, routed);
            tunnelHandler.handleRequest(exchange);
        }
    }

    private void proxy(HttpServerExchange exchange) {
        ProxyRuntime rt = runtime.get();
        Routed routed = exchange.getAttachment(ROUTED);
        Route.ToTunnel route = routed.route();
        RequestBodyFraming framing = VisitorRequest.bodyFraming(exchange);
        UpgradeRequest upgrade = routed.upgrade();
        String protocol = upgrade.kind().isForwarded() ? upgrade.protocol() : null;
        // Scripts go into pages, never into an upgraded stream.
        ScriptInjection injection = protocol == null ? rt.injections(routed.tunnel()).forRequest(route.target()) : null;
        Admitted admitted = routed.admitted();
        byte[] head = VisitorRequest.head(exchange, route.target(), framing, rt.trustedProxies(), protocol, injection,
                admitted.identityHeaders(), admitted.dropAuthorization());
        ForwardedRequest request = new ForwardedRequest(route.key(), exchange.getRequestMethod().toString(), head,
                framing, exchange.getRequestContentLength(), VisitorRequest.isIdempotent(exchange), protocol,
                injection);
        new ProxyExchange(exchange, rt.factory(), request, rt.timeouts()).start();
    }
}
