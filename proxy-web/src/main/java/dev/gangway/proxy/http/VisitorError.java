package dev.gangway.proxy.http;

import dev.gangway.connector.api.TunnelException;

/**
 * The one place where a failure becomes the visitor's status code and message. Messages are for visitors: they
 * name what went wrong on the path, never internals.
 *
 * @param status  the HTTP status
 * @param message a sentence for the visitor
 */
public record VisitorError(int status, String message) {

    public static final String NO_TUNNEL_MESSAGE = "No active tunnel found";

    public static VisitorError of(TunnelException e) {
        return switch (e.reason()) {
            case NO_TUNNEL -> noTunnel();
            case REFUSED_BY_CLIENT -> new VisitorError(502, "The tunnel's client refused the connection: "
                    + "is the service behind the tunnel running?");
            case TIMEOUT -> new VisitorError(504, "The tunnel did not answer in time");
            case OVERLOADED -> new VisitorError(503, "The tunnel is overloaded; try again later");
            case UNAVAILABLE -> new VisitorError(502, "The tunnel is unavailable");
        };
    }

    public static VisitorError noTunnel() {
        return new VisitorError(502, NO_TUNNEL_MESSAGE);
    }

    public static VisitorError unknownHost() {
        return new VisitorError(404, "Not found");
    }

    public static VisitorError malformedResponse() {
        return new VisitorError(502, "The service behind the tunnel sent an invalid response");
    }

    public static VisitorError noResponse() {
        return new VisitorError(502, "The service behind the tunnel closed the connection without a response");
    }

    /** A private tunnel ({@code access=private}) and no credential that opens it (PROTOCOL.md: 401, Basic). */
    public static VisitorError privateTunnel() {
        return new VisitorError(401, "This tunnel is private: sign in, or send its owner's JWT");
    }

    /** A signed-in visitor who is neither the private tunnel's owner nor in a group allowed to visit it. */
    public static VisitorError notAllowed() {
        return new VisitorError(403, "You are signed in, but this private tunnel is open only to its owner and to "
                + "the groups this gateway allows");
    }

    /** A sign-in code that is unknown, used, expired or for another tunnel host. */
    public static VisitorError signInLinkInvalid() {
        return new VisitorError(400, "This sign-in link is used or expired: open the page again to sign in");
    }

    /** An {@code Upgrade} to a protocol the gateway does not carry (it carries WebSocket and {@code tcp}). */
    public static VisitorError unsupportedUpgrade() {
        return new VisitorError(501, "This gateway carries WebSocket and Upgrade: tcp upgrades only");
    }

    /** Nothing moved either way for the visitor idle timeout, before the service answered. */
    public static VisitorError idleTimeout() {
        return new VisitorError(504, "The service behind the tunnel did not answer in time");
    }

    /** The exchange reached the maximum request time before the service answered. */
    public static VisitorError requestTimeout() {
        return new VisitorError(504, "The request took longer than this gateway allows");
    }

    public static VisitorError notReady() {
        return new VisitorError(503, "The gateway is starting; try again shortly");
    }

    public static VisitorError internal() {
        return new VisitorError(502, "The gateway failed to proxy the request");
    }

    /** The body: {@code {"message":"…"}} when the visitor accepts JSON, the plain sentence otherwise. */
    public String body(boolean json) {
        return json ? "{\"message\":\"" + jsonEscape(message) + "\"}" : message;
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
