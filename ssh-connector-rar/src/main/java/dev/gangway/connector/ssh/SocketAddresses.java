package dev.gangway.connector.ssh;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * SSH clients' addresses as the audit log shows them (SSH logins, tunnels): {@code host:port}, IPv6 in brackets, no
 * host name lookup.
 */
final class SocketAddresses {

    private SocketAddresses() {
    }

    static String hostPort(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "unknown" : address.toString();
    }
}
