package dev.gangway.connector.ssh;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SocketAddressesTest {

    @Test
    void ipv4IsHostColonPort() throws Exception {
        assertEquals("192.0.2.7:40022",
                SocketAddresses.hostPort(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 40022)));
    }

    @Test
    void ipv6IsBracketedAsInAUrl() throws Exception {
        assertEquals("[2001:db8:0:0:0:0:0:1]:22",
                SocketAddresses.hostPort(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 22)));
    }

    @Test
    void anUnresolvedAddressKeepsItsNameAndNoneIsUnknown() {
        assertEquals("gw.test:2222", SocketAddresses.hostPort(InetSocketAddress.createUnresolved("gw.test", 2222)));
        assertEquals("unknown", SocketAddresses.hostPort(null));
    }
}
