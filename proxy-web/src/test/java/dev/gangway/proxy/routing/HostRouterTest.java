package dev.gangway.proxy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

class HostRouterTest {

    private final HostRouter router = new HostRouter("Gw.Example", Set.of("app-abc12345", "proxy-live")::contains);

    private Route get(String host, String target) {
        return router.route(host, "GET", target);
    }

    @Test
    void tunnelHostRoutesToItsKeyWithTheTargetUnchanged() {
        assertEquals(new Route.ToTunnel("app-abc12345", "/a/b?x=1"), get("app-abc12345.gw.example", "/a/b?x=1"));
    }

    @Test
    void hostMatchIsCaseInsensitiveAndIgnoresPortAndTrailingDot() {
        assertEquals(new Route.ToTunnel("app-abc12345", "/"), get("APP-abc12345.GW.example:8080", "/"));
        assertEquals(new Route.ToTunnel("app-abc12345", "/"), get("app-abc12345.gw.example.", "/"));
    }

    @Test
    void unknownLabelStillRoutesToTheTunnelSoTheVisitorGetsNoTunnel() {
        assertEquals(new Route.ToTunnel("gone-abc12345", "/x"), get("gone-abc12345.gw.example", "/x"));
    }

    @Test
    void twoLabelsInFrontOfTheBaseHostAreNotATunnelHost() {
        assertEquals(new Route.UnknownHost(), get("a.b.gw.example", "/"));
        assertEquals(new Route.UnknownHost(), get(".gw.example", "/"));
    }

    @Test
    void baseHostIsOursAndAnswersHealth() {
        assertEquals(new Route.Health(), get("gw.example:8080", "/healthz"));
        assertEquals(new Route.Application(), get("gw.example", "/healthz/more"));
        assertEquals(new Route.Application(), router.route("gw.example", "POST", "/healthz"));
        assertEquals(new Route.Application(), get("GW.EXAMPLE", "/"));
    }

    @Test
    void proxyPathOnTheBaseHostIsNotRouted() {
        assertEquals(new Route.Application(), get("gw.example", "/proxy/app-abc12345/x"));
    }

    @Test
    void proxyPathOnAnotherHostRoutesWithTheRestAndQuery() {
        assertEquals(new Route.ToTunnel("app-abc12345", "/a/b?q=1"), get("proxy.gw.example", "/proxy/app-abc12345/a/b?q=1"));
        assertEquals(new Route.ToTunnel("app-abc12345", "/"), get("10.0.0.1", "/proxy/APP-abc12345"));
        assertEquals(new Route.ToTunnel("app-abc12345", "/?q"), get("elsewhere", "/proxy/app-abc12345?q"));
        assertEquals(new Route.ToTunnel("app-abc12345", "/"), get("elsewhere", "/proxy/app-abc12345/"));
    }

    @Test
    void liveTunnelHostWinsOverAProxyPath() {
        assertEquals(new Route.ToTunnel("proxy-live", "/proxy/app-abc12345/x"),
                get("proxy-live.gw.example", "/proxy/app-abc12345/x"));
    }

    @Test
    void otherHostsAreUnknownButAnswerTheHealthProbe() {
        assertEquals(new Route.UnknownHost(), get("other.example", "/"));
        assertEquals(new Route.UnknownHost(), get(null, "/"));
        assertEquals(new Route.UnknownHost(), get("elsewhere", "/proxy//x"));
        assertEquals(new Route.Health(), get("10.1.2.3:8080", "/healthz"));
        assertEquals(new Route.UnknownHost(), get("[::1]:8080", "/"));
    }

    @Test
    void normalizesIpv6LiteralsWithoutCuttingAtTheirColons() {
        assertEquals("[::1]", HostRouter.normalizeHost("[::1]:8080"));
        HostRouter v6 = new HostRouter("[::1]", key -> false);
        assertEquals(new Route.Health(), v6.route("[::1]:80", "GET", "/healthz"));
    }
}
