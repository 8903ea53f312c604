package dev.gangway.proxy.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.ResponseHead;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Which responses are rewritten, and how headers change in both directions. */
class ScriptInjectionTest {

    private static final InjectionSpecs SPECS = InjectionSpecs.parse("[{\"src\":\"/w.js\"}]");
    private static final String SUFFIX = suffix();

    private static String suffix() {
        String etag = SPECS.forRequest("/").forResponse("GET", head(200, "Content-Type", "text/html", "ETag", "\"x\""))
                .headers().get(1).value();
        return etag.substring(2, etag.length() - 1);
    }

    private static ResponseHead head(int status, String... namesAndValues) {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new HeaderField(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new ResponseHead(1, status, "", fields);
    }

    private static List<HeaderField> fields(String... namesAndValues) {
        return head(200, namesAndValues).headers();
    }

    private static ResponseRewrite rewrite(String method, ResponseHead head) {
        return SPECS.forRequest("/").forResponse(method, head);
    }

    @Test
    void htmlHeadersLoseLengthRangesAndDigestsAndGetASuffixedEtag() {
        ResponseRewrite rewrite = rewrite("GET", head(200, "Content-Type", "text/html; charset=UTF-8",
                "Content-Length", "123", "ETag", "\"abc\"", "Accept-Ranges", "bytes", "Content-Encoding", "gzip",
                "Cache-Control", "no-cache", "Content-Digest", "sha-256=:x:", "Repr-Digest", "sha-256=:y:",
                "Content-MD5", "z", "Digest", "SHA-256=w", "Last-Modified", "Tue, 01 Jul 2025 10:00:00 GMT"));
        assertEquals(fields("Content-Type", "text/html; charset=UTF-8", "ETag", "\"abc" + SUFFIX + "\"",
                "Content-Encoding", "gzip", "Cache-Control", "no-cache",
                "Last-Modified", "Tue, 01 Jul 2025 10:00:00 GMT"), rewrite.headers());
        assertNotNull(rewrite.body());
        rewrite.body().close();
    }

    @Test
    void weakEtagsStayWeakAndMalformedOnesAreDropped() {
        assertEquals(fields("Content-Type", "text/html", "ETag", "W/\"abc" + SUFFIX + "\""),
                rewrite("GET", head(200, "Content-Type", "text/html", "ETag", "W/\"abc\"")).headers());
        assertEquals(fields("Content-Type", "text/html"),
                rewrite("GET", head(200, "Content-Type", "text/html", "ETag", "abc")).headers());
        assertEquals(fields("Content-Type", "text/html"),
                rewrite("GET", head(200, "Content-Type", "text/html", "ETag", "\"a\"b\"")).headers());
    }

    @Test
    void ourSuffixIsTakenOffConditionalRequestHeaders() {
        ScriptInjection injection = SPECS.forRequest("/");
        List<HeaderField> visitor = fields("Host", "h", "If-None-Match",
                "\"a" + SUFFIX + "\", W/\"b" + SUFFIX + "\",\"c\" , \"d,e" + SUFFIX + "\"",
                "If-Match", "\"m" + SUFFIX + "\"", "If-Range", "\"r" + SUFFIX + "\"", "Range", "bytes=0-9",
                "Accept-Encoding", "gzip, br");
        assertEquals(fields("Host", "h", "If-None-Match", "\"a\", W/\"b\", \"c\", \"d,e\"", "If-Match", "\"m\"",
                "If-Range", "\"r" + SUFFIX + "\"", "Range", "bytes=0-9", "Accept-Encoding", "gzip, br"),
                injection.requestHeaders(visitor));
    }

    @Test
    void requestsWithoutOurTagsPassUnchanged() {
        ScriptInjection injection = SPECS.forRequest("/");
        List<HeaderField> star = fields("If-None-Match", "*");
        assertSame(star, injection.requestHeaders(star));
        List<HeaderField> theirs = fields("If-None-Match", "\"a\", W/\"b+inject-00000000\"", "If-Match", "\"x\"");
        assertSame(theirs, injection.requestHeaders(theirs));
        List<HeaderField> malformed = fields("If-None-Match", "\"a" + SUFFIX + "\" junk");
        assertSame(malformed, injection.requestHeaders(malformed));
    }

    @Test
    void a304ForAnInjectedCopyKeepsTheSuffixedEtag() {
        ScriptInjection injection = SPECS.forRequest("/");
        injection.requestHeaders(fields("If-None-Match", "W/\"a" + SUFFIX + "\", \"c\""));
        ResponseRewrite rewrite = injection.forResponse("GET", head(304, "ETag", "\"a\"", "Content-Length", "5",
                "Cache-Control", "max-age=60"));
        assertEquals(fields("ETag", "\"a" + SUFFIX + "\"", "Cache-Control", "max-age=60"), rewrite.headers());
        assertNull(rewrite.body());
        // The visitor's copy tagged "c" came from the service untouched: its 304 is not ours to change.
        assertNull(injection.forResponse("GET", head(304, "ETag", "\"c\"")));
        assertNull(injection.forResponse("GET", head(304)));
        assertNull(SPECS.forRequest("/").forResponse("GET", head(304, "ETag", "\"a\"")));
    }

    @Test
    void headGetsTheHeadersOfGetButNoBody() {
        ResponseRewrite rewrite = rewrite("HEAD", head(200, "Content-Type", "text/html", "Content-Length", "10"));
        assertEquals(fields("Content-Type", "text/html"), rewrite.headers());
        assertNull(rewrite.body());
    }

    @Test
    void everythingButAnHtmlPageInAnAsciiCompatibleCharsetPassesThrough() {
        assertNull(rewrite("GET", head(200, "Content-Type", "application/json")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/htmlx")));
        assertNull(rewrite("GET", head(200, "Content-Type", "application/xhtml+xml")));
        assertNull(rewrite("GET", head(200)));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html; charset=utf-16")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html; charset=\"UTF-32BE\"")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html; charset=ISO-2022-JP")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html; charset=IBM037")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html; charset=no-such-charset")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html", "Content-Encoding", "zstd")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html", "Content-Encoding", "gzip, br")));
        assertNull(rewrite("GET", head(200, "Content-Type", "text/html", "Content-Encoding", "gzip",
                "Content-Encoding", "gzip")));
        for (int status : new int[] {101, 204, 205, 206}) {
            assertNull(rewrite("GET", head(status, "Content-Type", "text/html")), "status " + status);
        }
    }

    @Test
    void htmlInEveryAsciiCompatibleCharsetAndCodingIsRewritten() {
        for (String type : List.of("text/html", "TEXT/HTML ;charset=iso-8859-1", "text/html; charset=\"utf-8\"",
                "text/html;charset=windows-1252", "text/html; charset=Shift_JIS", "text/html; charset=latin1",
                "text/html; charset=us-ascii; foo=bar", "text/html; charset=gb18030")) {
            assertRewritten(head(200, "Content-Type", type));
        }
        for (String coding : List.of("gzip", "x-gzip", "GZIP", "deflate", "br", "identity", "identity, gzip")) {
            assertRewritten(head(200, "Content-Type", "text/html", "Content-Encoding", coding));
        }
        assertRewritten(head(404, "Content-Type", "text/html"));
        assertRewritten(head(500, "Content-Type", "text/html"));
    }

    private static void assertRewritten(ResponseHead head) {
        ResponseRewrite rewrite = rewrite("GET", head);
        assertNotNull(rewrite, head.toString());
        rewrite.body().close();
    }
}
