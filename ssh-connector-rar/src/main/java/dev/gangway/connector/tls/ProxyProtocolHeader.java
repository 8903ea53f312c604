package dev.gangway.connector.tls;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol v1 line (haproxy's proxy-protocol.txt, section 2.1) that tells Undertow's https listener, which
 * has {@code proxy-protocol=true}, the visitor's real address: the spliced connection itself comes from loopback.
 */
public final class ProxyProtocolHeader {

    private ProxyProtocolHeader() {
    }

    /**
     * @param source      the visitor's address, as the front door accepted it
     * @param destination the front door's address the visitor connected to
     */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        InetAddress src = source.getAddress();
        InetAddress dst = destination.getAddress();
        String line;
        if (src instanceof Inet4Address && dst instanceof Inet4Address) {
            line = "PROXY TCP4 " + src.getHostAddress() + " " + dst.getHostAddress();
        } else {
            // Mixed families (an IPv4 visitor on a dual-stack socket): the spec wants one family per line, so both
            // are written as IPv6, an IPv4 one in its IPv4-mapped form.
            line = "PROXY TCP6 " + ipv6Text(src) + " " + ipv6Text(dst);
        }
        line += " " + source.getPort() + " " + destination.getPort() + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** Eight hex groups, without a scope id (the header has no room for one) or a host name. */
    private static String ipv6Text(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            b = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, b[0], b[1], b[2], b[3]};
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                s.append(':');
            }
            s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
        }
        return s.toString();
    }
}
