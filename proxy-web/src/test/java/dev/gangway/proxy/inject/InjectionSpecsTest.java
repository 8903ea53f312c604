package dev.gangway.proxy.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.ResponseHead;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Parsing the inject= specs, matching request targets, and the script tags they make. */
class InjectionSpecsTest {

    /** The tags an injection inserts, read back by running an empty page through it. */
    static String tags(ScriptInjection injection) throws IOException {
        ResponseRewrite rewrite = injection.forResponse("GET", new ResponseHead(1, 200, "OK",
                List.of(new HeaderField("Content-Type", "text/html"))));
        String page = new String(Feeder.run(rewrite.body(), "<head>".getBytes(StandardCharsets.US_ASCII),
                Feeder.whole()), StandardCharsets.US_ASCII);
        return page.substring("<head>".length());
    }

    @Test
    void absentOrBlankSpecsInjectNothing() {
        assertTrue(InjectionSpecs.parse(null).isEmpty());
        assertTrue(InjectionSpecs.parse("  ").isEmpty());
        assertTrue(InjectionSpecs.parse("[]").isEmpty());
        assertSame(InjectionSpecs.none(), InjectionSpecs.parse(null));
        assertNull(InjectionSpecs.none().forRequest("/"));
    }

    @Test
    void invalidSpecsAreRefusedWithTheReason() {
        assertEquals("inject must be a JSON array",
                assertThrows(IllegalArgumentException.class, () -> InjectionSpecs.parse("{\"src\":\"x\"}")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> InjectionSpecs.parse("[{]"));
        assertEquals("inject[1].src must be a string", assertThrows(IllegalArgumentException.class,
                () -> InjectionSpecs.parse("[{\"src\":\"a\"},{\"src\":1}]")).getMessage());
        assertEquals("inject[0].async must be true or false", assertThrows(IllegalArgumentException.class,
                () -> InjectionSpecs.parse("[{\"src\":\"a\",\"async\":\"yes\"}]")).getMessage());
        assertEquals("inject[0].pathRegex must be a string", assertThrows(IllegalArgumentException.class,
                () -> InjectionSpecs.parse("[{\"src\":\"a\",\"pathRegex\":null}]")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> InjectionSpecs.parse("[{\"src\":\"a\",\"pathRegex\":\"(\"}]"));
        assertThrows(IllegalArgumentException.class, () -> InjectionSpecs.parse("[1]"));
    }

    @Test
    void pathRegexIsSearchedInPathAndQuery() {
        InjectionSpecs specs = InjectionSpecs.parse("[{\"src\":\"/a.js\",\"pathRegex\":\"^/app/\"},"
                + "{\"src\":\"/b.js\",\"pathRegex\":\"debug=1\"}]");
        assertNotNull(specs.forRequest("/app/page"));
        assertNotNull(specs.forRequest("/other?debug=1"));
        assertNull(specs.forRequest("/other?debug=0"));
        assertNull(specs.forRequest("/xapp/"));
    }

    @Test
    void onlyTheMatchingSpecsAreInsertedInSpecOrder() throws IOException {
        InjectionSpecs specs = InjectionSpecs.parse("[{\"src\":\"/1.js\",\"defer\":true},"
                + "{\"src\":\"/2.js\",\"pathRegex\":\"^/two\"},{\"src\":\"/3.js\",\"async\":true,\"defer\":false}]");
        assertEquals("<script src=\"/1.js\" defer></script><script src=\"/3.js\" async></script>",
                tags(specs.forRequest("/one")));
        assertEquals("<script src=\"/1.js\" defer></script><script src=\"/2.js\"></script>"
                + "<script src=\"/3.js\" async></script>", tags(specs.forRequest("/two")));
    }

    @Test
    void srcIsEscapedForTheAttributeAndStaysAscii() throws IOException {
        InjectionSpecs specs = InjectionSpecs.parse(
                "[{\"src\":\"https://cdn.example/w.js?a=1&b=\\\"x\\\"<y>&c=é😀\",\"async\":true,\"defer\":true}]");
        assertEquals("<script src=\"https://cdn.example/w.js?a=1&amp;b=&quot;x&quot;&lt;y&gt;&amp;c=&#xe9;&#x1f600;\""
                + " async defer></script>", tags(specs.forRequest("/")));
    }

    @Test
    void theEtagSuffixDependsOnTheScripts() {
        InjectionSpecs specs = InjectionSpecs.parse("[{\"src\":\"/1.js\"},{\"src\":\"/2.js\",\"pathRegex\":\"^/b\"}]");
        ResponseHead head = new ResponseHead(1, 200, "OK", List.of(
                new HeaderField("Content-Type", "text/html"), new HeaderField("ETag", "\"v1\"")));
        String a = specs.forRequest("/a").forResponse("GET", head).headers().get(1).value();
        String b = specs.forRequest("/b").forResponse("GET", head).headers().get(1).value();
        String a2 = specs.forRequest("/a2").forResponse("GET", head).headers().get(1).value();
        assertTrue(a.matches("\"v1\\+inject-[0-9a-f]{8}\""), a);
        assertNotEquals(a, b);
        assertEquals(a, a2);
    }
}
