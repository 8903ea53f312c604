package dev.gangway.connector.tls;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoutingRuleTest {

    private static ClientHello hello(String sni, String... alpn) {
        return new ClientHello(Optional.ofNullable(sni), List.of(alpn));
    }

    @Test
    void alpnSshIsSshWhateverTheName() {
        RoutingRule rule = new RoutingRule(List.of());
        assertEquals(TlsRoute.SSH, rule.route(hello("anything.example", "ssh")));
        assertEquals(TlsRoute.SSH, rule.route(hello(null, "h2", "ssh")));
    }

    @Test
    void everythingElseIsHttpsByDefault() {
        RoutingRule rule = new RoutingRule(List.of());
        assertEquals(TlsRoute.HTTPS, rule.route(hello("gw.example", "h2", "http/1.1")));
        assertEquals(TlsRoute.HTTPS, rule.route(hello(null)));
        assertEquals(TlsRoute.HTTPS, rule.route(hello("gw.example", "SSH"))); // ALPN ids are exact byte strings
    }

    @Test
    void sniInTheListIsSshCaseInsensitively() {
        RoutingRule rule = new RoutingRule(List.of(" SSH.gw.example ", "tunnel.example."));
        assertEquals(TlsRoute.SSH, rule.route(hello("ssh.GW.example")));
        assertEquals(TlsRoute.SSH, rule.route(hello("ssh.gw.example.", "h2")));
        assertEquals(TlsRoute.SSH, rule.route(hello("TUNNEL.example")));
        assertEquals(TlsRoute.HTTPS, rule.route(hello("gw.example")));
        assertEquals(TlsRoute.HTTPS, rule.route(hello("x.ssh.gw.example")));
        assertEquals(TlsRoute.HTTPS, rule.route(hello(null, "h2")));
    }

    @Test
    void blankEntriesNameNoHost() {
        RoutingRule rule = new RoutingRule(List.of("", " "));
        assertEquals(TlsRoute.HTTPS, rule.route(hello("")));
    }

    @Test
    void theAlpnAnswerIsSshOnlyWhenOffered() {
        assertEquals("ssh", SshTlsHandshake.selectAlpn(List.of("h2", "ssh")));
        assertEquals("", SshTlsHandshake.selectAlpn(List.of("h2")));
    }
}
