package dev.gangway.connector.peer;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** {@code host:port} as the cluster directory carries a peer address ({@code [v6]:port} for IPv6 literals). */
final class PeerAddresses {

    private PeerAddresses() {
    }

    static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Unresolved: resolving is the connecting side's business, on its worker thread. */
    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("'" + hostPort + "' is not host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + hostPort + "' is not host:port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + hostPort + "' has no valid port");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
