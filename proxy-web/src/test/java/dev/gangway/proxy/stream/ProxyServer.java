package dev.gangway.proxy.stream;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import dev.gangway.connector.api.GatewaySettings;
import dev.gangway.proxy.web.GatewayHandler;
import dev.gangway.proxy.web.ProxyRuntime;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;

/**
 * A standalone Undertow on a loopback port with the gateway handler in front of a stand-in "application" (the
 * servlet chain on WildFly), backed by a {@link SocketTunnelFactory}. Base host: {@code gw.test}.
 */
final class ProxyServer implements AutoCloseable {

    static final String APPLICATION_BODY = "application";

    final SocketTunnelFactory factory;
    private final Undertow undertow;
    /** HTTP/1.1 for a plain server, HTTP/2 for {@link #https()}. */
    final HttpClient client;
    private final String scheme;

    /** Plain HTTP, with these groups allowed into private tunnels. */
    static ProxyServer withPrivateTunnelGroups(List<String> groups) {
        return new ProxyServer(new SocketTunnelFactory(new GatewaySettings(URI.create("http://gw.test:8080/"), List.of(),
                Duration.ofMinutes(10), Duration.ZERO, groups, SocketTunnelFactory.IDENTITY_KEY.toString())));
    }

    /** The one-time codes of signed-in visitors, as the sign-in page would issue them. */
    dev.gangway.accounts.visit.VisitorHandoff handoff() {
        return runtime.handoff();
    }

    ProxyServer(List<String> trustedProxies) {
        this(new SocketTunnelFactory("http://gw.test:8080/", trustedProxies));
    }

    /** With these timeouts ({@code ZERO} = off) and no trusted proxies. */
    ProxyServer(Duration idleTimeout, Duration maxRequestTime) {
        this(new SocketTunnelFactory(SocketTunnelFactory.settings("http://gw.test:8080/", List.of(), idleTimeout,
                maxRequestTime)));
    }

    private ProxyServer(SocketTunnelFactory tunnels) {
        this(tunnels, null);
    }

    /**
     * Over TLS with HTTP/2 offered by ALPN, as WildFly's HTTPS listener for visitors is configured
     * ({@code enable-http2=true}); {@link #client} speaks HTTP/2 to it.
     */
    static ProxyServer https() {
        return new ProxyServer(new SocketTunnelFactory("https://gw.test:8443/", List.of()), TestTls.server());
    }

    private final ProxyRuntime runtime;

    /** The JWKS the identity JWTs this proxy sends verify with (the base host's {@code /.well-known/jwks.json}). */
    String jwksJson() {
        return runtime.identityTokens().jwksJson();
    }

    private ProxyServer(SocketTunnelFactory tunnels, SSLContext tls) {
        factory = tunnels;
        scheme = tls == null ? "http" : "https";
        client = tls == null ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestTls.client()).build();
        runtime = ProxyRuntime.create(factory);
        GatewayHandler handler = new GatewayHandler(exchange -> {
            exchange.setStatusCode(299);
            exchange.getResponseSender().send(APPLICATION_BODY);
        }, () -> runtime);
        Undertow.Builder builder = Undertow.builder();
        if (tls == null) {
            builder.addHttpListener(0, "127.0.0.1");
        } else {
            builder.addHttpsListener(0, "127.0.0.1", tls).setServerOption(UndertowOptions.ENABLE_HTTP2, true);
        }
        undertow = builder
                .setIoThreads(2)
                .setWorkerThreads(8)
                // As WildFly's listener must be configured (max-post-size=0): Undertow refuses a Content-Length over
                // this limit before any handler runs.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .setHandler(handler)
                .build();
        undertow.start();
    }

    ProxyServer() {
        this(List.of());
    }

    InetSocketAddress address() {
        return (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    }

    /** A URL on the loopback address: not the base host, so {@code /proxy/<key>/} routing applies. */
    URI url(String path) {
        return URI.create(scheme + "://127.0.0.1:" + address().getPort() + path);
    }

    RawHttp raw() throws java.io.IOException {
        return new RawHttp(address());
    }

    /** One GET with this Host and these extra header lines ("Name: value\r\n"), on a connection of its own. */
    RawHttp.Response get(String host, String target, String... headers) throws Exception {
        try (RawHttp visitor = raw()) {
            visitor.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers) + "\r\n");
            return visitor.read(false);
        }
    }

    @Override
    public void close() {
        undertow.stop();
        factory.closeAll();
    }
}
