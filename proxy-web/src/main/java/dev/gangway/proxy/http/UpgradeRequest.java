package dev.gangway.proxy.http;

import java.util.Locale;

/**
 * What a visitor's {@code Upgrade} header asks of the gateway (RFC 9110 §7.8), decided before anything is sent to
 * the tunnel.
 *
 * @param kind     the decision
 * @param protocol the protocol token to forward as the service's {@code Upgrade} header, as the visitor spelled
 *                 it; {@code null} unless {@link Kind#isForwarded()}
 */
public record UpgradeRequest(Kind kind, String protocol) {

    public enum Kind {
        /** No upgrade asked for, or one the gateway ignores and serves as plain HTTP/1.1. */
        NONE,
        /** {@code Upgrade: websocket}: the handshake goes to the service; on its 101 the bytes are spliced. */
        WEBSOCKET,
        /** {@code Upgrade: tcp} (Docker's attach/exec hijack): as WebSocket, without WebSocket's header rules. */
        TCP,
        /** Some other protocol: refused with an HTTP error rather than half-proxied. */
        UNSUPPORTED;

        public boolean isForwarded() {
            return this == WEBSOCKET || this == TCP;
        }
    }

    private static final UpgradeRequest NONE = new UpgradeRequest(Kind.NONE, null);

    /**
     * @param upgrade    the visitor's {@code Upgrade} header, or {@code null}
     * @param connection the visitor's {@code Connection} header(s), comma-joined, or {@code null}
     */
    public static UpgradeRequest of(String upgrade, String connection) {
        if (upgrade == null || upgrade.isBlank()) {
            return NONE;
        }
        // An Upgrade that Connection does not name is not meant for this hop (RFC 9110 §7.8): ignore it.
        if (!namesUpgrade(connection)) {
            return NONE;
        }
        // The visitor lists protocols in order of preference; take the first one the gateway can carry.
        boolean onlyIgnorable = true;
        for (String offered : upgrade.split(",")) {
            String token = offered.trim();
            String name = token.toLowerCase(Locale.ROOT);
            if (name.equals("websocket")) {
                return new UpgradeRequest(Kind.WEBSOCKET, token);
            }
            if (name.equals("tcp")) {
                return new UpgradeRequest(Kind.TCP, token);
            }
            // h2c (curl --http2 over http://) is an offer a server may decline by answering in HTTP/1.1.
            if (!name.equals("h2c") && !name.isEmpty()) {
                onlyIgnorable = false;
            }
        }
        return onlyIgnorable ? NONE : new UpgradeRequest(Kind.UNSUPPORTED, null);
    }

    private static boolean namesUpgrade(String connection) {
        if (connection == null) {
            return false;
        }
        for (String token : connection.split(",")) {
            if (token.trim().equalsIgnoreCase("upgrade")) {
                return true;
            }
        }
        return false;
    }
}
