package dev.gangway.proxy.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void matchesSingleAddressesAndCidrBlocks() throws Exception {
        TrustedProxies trusted = TrustedProxies.parse(List.of("192.0.2.7", " 10.0.0.0/8 ", "172.16.0.0/12",
                "fd00::/8", "2001:db8::1"));
        assertTrue(trusted.isTrusted(ip("192.0.2.7")));
        assertFalse(trusted.isTrusted(ip("192.0.2.8")));
        assertTrue(trusted.isTrusted(ip("10.255.1.2")));
        assertTrue(trusted.isTrusted(ip("172.31.255.255")));
        assertFalse(trusted.isTrusted(ip("172.32.0.0")));
        assertTrue(trusted.isTrusted(ip("fdab::1")));
        assertFalse(trusted.isTrusted(ip("fe80::1")));
        assertTrue(trusted.isTrusted(ip("2001:db8::1")));
        assertFalse(trusted.isTrusted(ip("2001:db8::2")));
        assertFalse(trusted.isTrusted(null));
    }

    @Test
    void ipv4BlockDoesNotMatchIpv6AndZeroPrefixMatchesAllOfItsFamily() throws Exception {
        TrustedProxies trusted = TrustedProxies.parse(List.of("0.0.0.0/0"));
        assertTrue(trusted.isTrusted(ip("203.0.113.9")));
        assertFalse(trusted.isTrusted(ip("::1")));
    }

    @Test
    void nonByteAlignedPrefix() throws Exception {
        TrustedProxies trusted = TrustedProxies.parse(List.of("192.168.1.128/25"));
        assertTrue(trusted.isTrusted(ip("192.168.1.200")));
        assertFalse(trusted.isTrusted(ip("192.168.1.127")));
    }

    @Test
    void noneTrustsNobody() throws Exception {
        assertFalse(TrustedProxies.none().isTrusted(ip("127.0.0.1")));
        assertFalse(TrustedProxies.parse(List.of()).isTrusted(ip("127.0.0.1")));
    }

    @Test
    void refusesNamesAndBadPrefixesWithTheEntryInTheMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("proxy.example")));
        assertTrue(e.getMessage().contains("proxy.example"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/x")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("::1/129")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("300.1.1.1")));
    }
}
