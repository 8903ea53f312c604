package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.CurlRun;
import dev.gangway.it.support.EchoService;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.TlsClients;
import dev.gangway.it.support.WebSocketBackend;
import dev.gangway.it.support.WebSocketVisitor;

/**
 * Visitors over HTTPS on the public TLS port, which the resource adapter splices to Undertow's HTTPS listener behind
 * a PROXY protocol line: the real {@code curl} in HTTP/2 and HTTP/1.1, and a WebSocket over {@code wss}. Whatever
 * the visitor speaks, the service gets HTTP/1.1 through the tunnel with {@code X-Forwarded-Proto https} (or
 * {@code wss}) and the visitor's own address. Visitors connect from 127.0.0.2, so that the address the service sees
 * can only have come from the PROXY line (the adapter's own connection to Undertow comes from 127.0.0.1).
 */
@ExtendWith(ArquillianExtension.class)
class HttpsVisitorIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String VISITOR_ADDRESS = "127.0.0.2";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    /** The service answers with the protocol of the request it got. */
    private static Backend protocolEchoingService() throws Exception {
        return Backend.start(exchange -> {
            byte[] body = exchange.getProtocol().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /** curl options that visit {@code path} of a tunnel over HTTPS on the TLS port, from {@link #VISITOR_ADDRESS}. */
    private static String[] curlTo(OpenSshTunnel tunnel, String path, String... options) {
        String host = tunnel.key() + "." + ItServer.baseUrl().getHost();
        String[] base = {"--insecure", "--interface", VISITOR_ADDRESS,
                "--resolve", host + ":" + ItServer.tlsPort() + ":127.0.0.1",
                "https://" + host + ":" + ItServer.tlsPort() + path};
        String[] all = new String[options.length + base.length];
        System.arraycopy(options, 0, all, 0, options.length);
        System.arraycopy(base, 0, all, options.length, base.length);
        return all;
    }

    @Test
    void curlOverHttp2AndHttp11ReachesTheServiceInHttp11WithHttpsAndTheVisitorsAddress() throws Exception {
        try (Backend backend = protocolEchoingService();
             OpenSshTunnel tunnel = OpenSshTunnel.open("h2", backend.port())) {
            for (String version : new String[] {"--http2", "--http1.1"}) {
                CurlRun.Result result = CurlRun.run(curlTo(tunnel, "/v?" + version.substring(2),
                        version, "--write-out", "\n%{http_version} %{response_code}"));

                String expected = version.equals("--http2") ? "2" : "1.1";
                assertEquals("HTTP/1.1\n" + expected + " 200", result.stdout(), version + result.describe());
                Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
                assertNotNull(seen, "the service saw no request for " + version);
                assertEquals("https", seen.header("X-Forwarded-Proto"), version);
                assertEquals(VISITOR_ADDRESS, seen.header("X-Forwarded-For"), version);
                assertEquals(Integer.toString(ItServer.tlsPort()), seen.header("X-Forwarded-Port"), version);
                assertEquals(ItServer.tunnelHostOverTls(tunnel.key()), seen.header("Host"), version);
            }
        }
    }

    @Test
    void largeBodiesGoBothWaysOverHttp2(@TempDir Path dir) throws Exception {
        int size = 8 * 1024 * 1024;
        byte[] upload = EchoService.randomBytes(3 * 1024 * 1024, 5);
        Path uploadFile = Files.write(dir.resolve("upload"), upload);
        Path downloaded = dir.resolve("download");
        try (Backend backend = Backend.start(EchoService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("h2big", backend.port())) {
            String path = "/big?size=" + size + "&seed=9&chunked";
            CurlRun.Result result = CurlRun.run(curlTo(tunnel, path, "--http2", "--data-binary", "@" + uploadFile,
                    "--output", downloaded.toString(), "--write-out", "%{http_version} %{response_code}"));

            assertEquals("2 200", result.stdout(), result.describe());
            assertArrayEquals(EchoService.expected("POST", path, upload, size, 9), Files.readAllBytes(downloaded));
        }
    }

    @Test
    void aWebSocketOverWssIsEchoedAndTheServiceSeesWss() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.trustingAnyCertificate())
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (WebSocketBackend backend = WebSocketBackend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("wss", backend.port());
             WebSocketVisitor ws = WebSocketVisitor.connect(client,
                     URI.create("wss://127.0.0.1:" + ItServer.tlsPort() + "/chat"),
                     ItServer.tunnelHostOverTls(tunnel.key()))) {

            ws.sendText("hello over wss", true);
            assertEquals("hello over wss", ws.awaitText(WAIT));
            byte[] bytes = EchoService.randomBytes(200 * 1024, 3);
            ws.sendBinary(bytes, true);
            assertArrayEquals(bytes, ws.awaitBinary(WAIT));

            Backend.Request handshake = backend.awaitHandshake(5, TimeUnit.SECONDS);
            assertNotNull(handshake, "the service saw no handshake");
            assertEquals("wss", handshake.header("X-Forwarded-Proto"));
            assertEquals("127.0.0.1", handshake.header("X-Forwarded-For"));
            assertEquals(Integer.toString(ItServer.tlsPort()), handshake.header("X-Forwarded-Port"));

            ws.sendClose();
            assertEquals(1000, ws.awaitEnd(WAIT).statusCode());
        }
    }
}
