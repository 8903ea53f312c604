package dev.gangway.connector.tls;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProxyProtocolHeaderTest {

    private static String line(String src, int sport, String dst, int dport) throws Exception {
        return new String(ProxyProtocolHeader.v1(new InetSocketAddress(InetAddress.getByName(src), sport),
                new InetSocketAddress(InetAddress.getByName(dst), dport)), StandardCharsets.US_ASCII);
    }

    @Test
    void ipv4() throws Exception {
        assertEquals("PROXY TCP4 203.0.113.7 192.0.2.1 51234 8443\r\n", line("203.0.113.7", 51234, "192.0.2.1", 8443));
    }

    @Test
    void ipv6WithoutScopeOrHostName() throws Exception {
        assertEquals("PROXY TCP6 2001:db8:0:0:0:0:0:1 0:0:0:0:0:0:0:1 40000 443\r\n",
                line("2001:db8::1", 40000, "::1", 443));
    }

    @Test
    void mixedFamiliesAreWrittenAsIpv6() throws Exception {
        assertEquals("PROXY TCP6 0:0:0:0:0:ffff:cb00:7107 2001:db8:0:0:0:0:0:2 1 2\r\n",
                line("203.0.113.7", 1, "2001:db8::2", 2));
    }
}
