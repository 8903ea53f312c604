package dev.gangway.proxy.web;

import java.util.Deque;
import java.util.Optional;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.visit.VisitorHandoff;
import dev.gangway.proxy.access.VisitorIdentity;
import dev.gangway.proxy.http.VisitorError;
import dev.gangway.proxy.identity.VisitorSessions;
import dev.gangway.proxy.log.ProxyLogger;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.Headers;

/**
 * {@code /_gangway/callback?code=…} on a private tunnel's host: redeems the one-time code the sign-in page issued,
 * sets the session cookie for this host only, and sends the visitor back to the URL they asked for.
 */
final class SignInCallback {

    private SignInCallback() {
    }

    static void handle(HttpServerExchange exchange, ProxyRuntime runtime, String host) {
        Deque<String> codes = exchange.getQueryParameters().get("code");
        Optional<VisitorHandoff.Redeemed> redeemed = runtime.handoff().redeem(codes == null ? null : codes.peekFirst(),
                host);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        if (redeemed.isEmpty()) {
            ProxyLogger.VISITOR.signInCodeRefused(host);
            ErrorPage.send(exchange, VisitorError.signInLinkInvalid());
            return;
        }
        SignedInPerson person = redeemed.get().person();
        VisitorIdentity identity = new VisitorIdentity(person.subject(), person.displayName(), person.email(),
                person.groups());
        VisitorSessions sessions = runtime.identityTokens().sessions();
        // Host-only (no Domain attribute): a cookie for the parent domain would be readable and writable by every
        // tunnel. Lax: sent on top-level navigation from elsewhere (links), not on cross-site subrequests.
        CookieImpl cookie = new CookieImpl(VisitorSessions.COOKIE, sessions.issue(identity, host));
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSiteMode("Lax");
        cookie.setSecure("https".equals(exchange.getRequestScheme()));
        cookie.setMaxAge((int) sessions.lifetimeSeconds());
        exchange.setResponseCookie(cookie);
        ProxyLogger.VISITOR.visitorSignedIn(person.subject(), host);
        exchange.setStatusCode(302);
        exchange.getResponseHeaders().put(Headers.LOCATION, redeemed.get().returnUrl());
        exchange.endExchange();
    }
}
