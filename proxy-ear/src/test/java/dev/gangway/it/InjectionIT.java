package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HtmlPageService;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Visitor;

/**
 * {@code inject=} on the real server with the real ssh: a tunnel opened with
 * {@code -R /site#inject=<base64url JSON>:...} gets the script tag in its HTML pages, plain, gzip and brotli (the
 * native library loaded inside WildFly), as the pages stream with their {@code <head>} split across pieces; the
 * visitor's Accept-Encoding reaches the service; validators round-trip; other answers pass byte for byte.
 */
@ExtendWith(ArquillianExtension.class)
class InjectionIT {

    /**
     * Short on purpose: OpenSSH takes the socket path of {@code -R} as a Unix socket path and refuses one longer than
     * {@code sun_path} (107 bytes), parameters included. Preevy's own client has no such limit.
     */
    static final String SPEC = "[{\"src\":\"/w.js\",\"async\":true,\"pathRegex\":\"^/page\"}]";
    static final String TAGS = "<script src=\"/w.js\" async></script>";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    /** The request-string parameter that carries {@link #SPEC}. */
    static String injectParameter() {
        return "#inject=" + Base64.getUrlEncoder().withoutPadding().encodeToString(SPEC.getBytes(StandardCharsets.UTF_8));
    }

    static String expectedPage() {
        return HtmlPageService.PAGE.replace("<head>", "<head>" + TAGS);
    }

    static HttpResponse<byte[]> get(OpenSshTunnel tunnel, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(ItServer.url(path)).header("Host", tunnel.host());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return Visitor.client().send(request.timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void pagesGetTheTagsInEveryCodingAndOtherAnswersPassUnchanged() throws Exception {
        Brotli4jLoader.ensureAvailability();
        try (Backend backend = Backend.start(HtmlPageService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("site", injectParameter(), backend.port())) {
            HttpResponse<byte[]> plain = get(tunnel, "/page");
            assertEquals(200, plain.statusCode());
            assertEquals(expectedPage(), new String(plain.body(), StandardCharsets.UTF_8));
            assertTrue(plain.headers().firstValue("Content-Length").isEmpty());
            String etag = plain.headers().firstValue("ETag").orElseThrow();
            assertTrue(etag.startsWith("\"page-v1+inject-"), etag);

            HttpResponse<byte[]> gzip = get(tunnel, "/page?coding=gzip", "Accept-Encoding", "gzip");
            assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElseThrow());
            assertEquals(expectedPage(), new String(new GZIPInputStream(new ByteArrayInputStream(gzip.body()))
                    .readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("gzip", lastRequest(backend).header("Accept-Encoding"), "the visitor's ask reaches the service");

            HttpResponse<byte[]> br = get(tunnel, "/page?coding=br", "Accept-Encoding", "br");
            assertEquals("br", br.headers().firstValue("Content-Encoding").orElseThrow());
            assertEquals(expectedPage(), new String(Decoder.decompress(br.body()).getDecompressedData(),
                    StandardCharsets.UTF_8), "brotli's native library works inside WildFly");

            // The visitor revalidates with the tag it was given; the service sees its own tag and answers 304.
            HttpResponse<byte[]> revalidated = get(tunnel, "/page", "If-None-Match", etag);
            assertEquals(304, revalidated.statusCode());
            assertEquals(HtmlPageService.ETAG, lastRequest(backend).header("If-None-Match"));
            assertEquals(etag, revalidated.headers().firstValue("ETag").orElseThrow());

            HttpResponse<byte[]> json = get(tunnel, "/data.json");
            assertEquals(200, json.statusCode());
            assertArrayEquals(HtmlPageService.JSON.getBytes(StandardCharsets.UTF_8), json.body());
            assertEquals("\"json-v1\"", json.headers().firstValue("ETag").orElseThrow());
        }
    }

    private static Backend.Request lastRequest(Backend backend) throws InterruptedException {
        Backend.Request last = null;
        for (Backend.Request r; (r = backend.awaitRequest(last == null ? 5 : 0, TimeUnit.SECONDS)) != null; ) {
            last = r;
        }
        return last;
    }
}
