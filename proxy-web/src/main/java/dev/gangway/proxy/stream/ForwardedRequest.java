package dev.gangway.proxy.stream;

import dev.gangway.proxy.http.RequestBodyFraming;
import dev.gangway.proxy.inject.ScriptInjection;

/**
 * A visitor's request as it goes to the service: everything the exchange needs besides the live channels.
 *
 * @param tunnelKey  the tunnel it is routed to
 * @param method     the request method, e.g. {@code GET}
 * @param head       the request head for the service, already written (request line, headers, empty line)
 * @param framing    how the body travels to the service
 * @param length     the visitor's Content-Length, or {@code -1}
 * @param idempotent whether the method may be sent twice (a retry on a stale reused channel)
 * @param upgrade    the protocol the request asks the service to switch to ({@code websocket}, {@code tcp}), or
 *                   {@code null}; on the service's 101 the exchange becomes an {@link UpgradeSplice}
 * @param injection  the tunnel's {@code inject=} scripts that apply to this request, or {@code null}; it decides from
 *                   the response head whether the body is rewritten
 */
public record ForwardedRequest(String tunnelKey, String method, byte[] head, RequestBodyFraming framing, long length,
                               boolean idempotent, String upgrade, ScriptInjection injection) {
}
