package dev.gangway.proxy.web;

import java.nio.charset.StandardCharsets;

import dev.gangway.proxy.http.VisitorError;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.xnio.IoUtils;

/** Sends a {@link VisitorError} to the visitor, as JSON or text depending on the Accept header. */
public final class ErrorPage {

    private ErrorPage() {
    }

    /**
     * Answers with the error and ends the exchange. If the response head already went out, a status can no
     * longer be told: the visitor's connection is closed so that the visitor sees a broken response, not a hang.
     */
    public static void send(HttpServerExchange exchange, VisitorError error) {
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        boolean json = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("json");
        exchange.setStatusCode(error.status());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE,
                json ? "application/json" : "text/plain; charset=utf-8");
        exchange.getResponseSender().send(error.body(json) + (json ? "" : "\n"), StandardCharsets.UTF_8);
    }

    /**
     * {@code 404} with a page that says why: the sign-in and self-service pages exist only in authMode sso, and a
     * browser visitor should learn that rather than meet an error from an identity provider nobody configured.
     */
    public static void ssoNotConfigured(HttpServerExchange exchange) {
        exchange.setStatusCode(404);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseSender().send("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Gangway: single sign-on is not configured</title></head><body>"
                + "<h1>Single sign-on is not configured</h1>"
                + "<p>This Gangway server accepts SSH keys without sign-in (authMode is not <code>sso</code>), so there "
                + "is nothing to sign in to. An operator turns it on with <code>-Dgangway.auth-mode=sso</code> and the "
                + "identity provider's settings (README: Single sign-on).</p></body></html>", StandardCharsets.UTF_8);
    }

    /** {@code 200 OK} for a health probe. */
    public static void healthy(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("OK");
    }
}
