package dev.gangway.proxy.http;

/**
 * What the gateway itself observed about a visitor's connection, the ground truth for {@code X-Forwarded-*}.
 *
 * @param peerAddress    the address of the TCP peer, as text
 * @param scheme         {@code http} or {@code https}, as the visitor reached the gateway
 * @param port           the port the visitor addressed
 * @param host           the Host header as sent, or {@code null}
 * @param trustedProxy   whether the peer is a configured trusted proxy, whose own {@code X-Forwarded-*} are believed
 */
public record VisitorFacts(String peerAddress, String scheme, int port, String host, boolean trustedProxy) {
}
