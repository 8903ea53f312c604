package dev.gangway.proxy.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.gangway.proxy.access.PrivateAccess;
import dev.gangway.proxy.http.VisitorError;
import dev.gangway.proxy.log.ProxyLogger;
import dev.gangway.proxy.routing.Route;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** Answers a visitor a private tunnel does not let through: a Basic challenge, a redirect to sign in, or 403. */
final class PrivateTunnelRefusal {

    private PrivateTunnelRefusal() {
    }

    static void send(HttpServerExchange exchange, ProxyRuntime runtime, Route.ToTunnel route,
                     PrivateAccess.Decision decision) {
        if (decision instanceof PrivateAccess.SignIn) {
            String target = runtime.signInUrl() + "?return="
                    + URLEncoder.encode(requestedUrl(exchange), StandardCharsets.UTF_8);
            ProxyLogger.VISITOR.privateTunnelSignIn(route.key());
            exchange.setStatusCode(302);
            exchange.getResponseHeaders().put(Headers.LOCATION, target);
            // Never stored: the same URL answers differently once the visitor has signed in.
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.endExchange();
            return;
        }
        if (decision instanceof PrivateAccess.Forbidden forbidden) {
            ProxyLogger.VISITOR.privateTunnelForbidden(route.key(), forbidden.identity().subject());
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            ErrorPage.send(exchange, VisitorError.notAllowed());
            return;
        }
        String reason = decision instanceof PrivateAccess.Unauthorized u ? u.reason() : decision.toString();
        ProxyLogger.VISITOR.privateTunnelRefused(route.key(), reason);
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"" + route.key() + "\"");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ErrorPage.send(exchange, VisitorError.privateTunnel());
    }

    /** The absolute URL the visitor asked for, as they sent it: scheme, Host header and raw target. */
    private static String requestedUrl(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        return exchange.getRequestScheme() + "://" + (host == null ? exchange.getHostAndPort() : host)
                + VisitorRequest.rawTarget(exchange);
    }
}
