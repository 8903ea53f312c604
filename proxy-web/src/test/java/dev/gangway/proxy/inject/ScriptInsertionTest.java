package dev.gangway.proxy.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.ResponseHead;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Where the tags go in plain (identity) HTML, whatever the input chunking: every case is fed whole, a byte at a
 * time and in random pieces, and must come out the same.
 */
class ScriptInsertionTest {

    static final String S = "<script src=\"/w.js\"></script>";
    static final String H = "<head>" + S + "</head>";

    static BodyTransformer transformer(ContentCoding coding, String contentType) {
        ScriptInjection injection = InjectionSpecs.parse("[{\"src\":\"/w.js\"}]").forRequest("/");
        List<HeaderField> headers = new ArrayList<>();
        headers.add(new HeaderField("Content-Type", contentType));
        if (coding != ContentCoding.IDENTITY) {
            headers.add(new HeaderField("Content-Encoding", Codecs.headerValue(coding)));
        }
        return injection.forResponse("GET", new ResponseHead(1, 200, "OK", headers)).body();
    }

    static BodyTransformer transformer(ContentCoding coding) {
        return transformer(coding, "text/html; charset=utf-8");
    }

    static Stream<Arguments> documents() {
        return Stream.of(
                Arguments.of("after <head>",
                        "<!DOCTYPE html><html><head><title>t</title></head><body>b</body></html>",
                        "<!DOCTYPE html><html><head>" + S + "<title>t</title></head><body>b</body></html>"),
                Arguments.of("upper case, attributes",
                        "<HTML LANG=en><HEAD\n  profile=\"x\">\n<BODY></BODY></HTML>",
                        "<HTML LANG=en><HEAD\n  profile=\"x\">" + S + "\n<BODY></BODY></HTML>"),
                Arguments.of("quoted > in a head attribute",
                        "<html><head data-x=\"a>b\" data-y='c>d' data-z = \"e>\" >x",
                        "<html><head data-x=\"a>b\" data-y='c>d' data-z = \"e>\" >" + S + "x"),
                Arguments.of("unquoted attribute and self-closing slash",
                        "<head a=b/>x", "<head a=b/>" + S + "x"),
                Arguments.of("<header> is not <head>",
                        "<html><header>h</header><body><header>i</header></body></html>",
                        "<html><header>h</header>" + H + "<body><header>i</header></body></html>"),
                Arguments.of("no head: a new head before <body",
                        "<html>\n<BODY class=\"a\">text</BODY></html>",
                        "<html>\n" + H + "<BODY class=\"a\">text</BODY></html>"),
                Arguments.of("no head, no body: before </html>",
                        "<html><p>x</p></html >\n", "<html><p>x</p>" + H + "</html >\n"),
                Arguments.of("nothing: at the end", "<p>just a fragment</p>", "<p>just a fragment</p>" + H),
                Arguments.of("empty body", "", H),
                Arguments.of("a trailing < at the end is kept", "<p>a</p><", "<p>a</p><" + H),
                Arguments.of("a trailing <bod at the end is kept", "<p>a</p><bod", "<p>a</p><bod" + H),
                Arguments.of("inserted once",
                        "<head></head><head></head><body></body>", "<head>" + S + "</head><head></head><body></body>"),
                Arguments.of("comments and conditional comments are skipped",
                        "<!-- <head> --><!--[if IE]><body class=ie><![endif]--><!----><!--><!---><html><head>",
                        "<!-- <head> --><!--[if IE]><body class=ie><![endif]--><!----><!--><!---><html><head>" + S),
                Arguments.of("script and style text is not markup",
                        "<html><script>var s = \"<body>\", t = '</html>';</script ><style>a</style><body>",
                        "<html><script>var s = \"<body>\", t = '</html>';</script ><style>a</style>" + H + "<body>"),
                Arguments.of("title text is not markup",
                        "<title><head></title><head>", "<title><head></title><head>" + S),
                Arguments.of("a script end tag needs its full name",
                        "<script>a</scrip></scripts></SCRIPT><body>",
                        "<script>a</scrip></scripts></SCRIPT>" + H + "<body>"),
                Arguments.of("tags that start like body or html but are not",
                        "<b>x</b><bo><bodyx><<body>", "<b>x</b><bo><bodyx><" + H + "<body>"),
                Arguments.of("end tags that start like </html> but are not",
                        "<p></h></htm></htmlx></></ x></HTML\t>",
                        "<p></h></htm></htmlx></></ x>" + H + "</HTML\t>"),
                Arguments.of("processing instruction and doctype",
                        "<?xml version=\"1.0\"?><!doctype html><head>", "<?xml version=\"1.0\"?><!doctype html><head>" + S),
                Arguments.of("plaintext makes the rest text", "<plaintext><head>", "<plaintext><head>" + H),
                Arguments.of("UTF-8 text around", "<p>ÀÉ — 日本語</p><head>ü", "<p>ÀÉ — 日本語</p><head>" + S + "ü"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void insertsAtTheRightPlaceWhateverTheChunking(String name, String document, String expected) throws IOException {
        byte[] input = document.getBytes(StandardCharsets.UTF_8);
        for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.bytes(), Feeder.random(name.hashCode(), 7),
                Feeder.random(~name.hashCode(), 40))) {
            byte[] output = Feeder.run(transformer(ContentCoding.IDENTITY), input, sizes);
            assertEquals(expected, new String(output, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aUtf16DocumentWithAByteOrderMarkIsLeftAlone() throws IOException {
        for (var charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
            byte[] bom = charset == StandardCharsets.UTF_16BE ? new byte[] {(byte) 0xFE, (byte) 0xFF}
                    : new byte[] {(byte) 0xFF, (byte) 0xFE};
            byte[] text = "<html><head></head></html>".getBytes(charset);
            byte[] input = new byte[bom.length + text.length];
            System.arraycopy(bom, 0, input, 0, bom.length);
            System.arraycopy(text, 0, input, bom.length, text.length);
            for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.bytes())) {
                byte[] output = Feeder.run(transformer(ContentCoding.IDENTITY, "text/html"), input, sizes);
                assertEquals(new String(input, StandardCharsets.ISO_8859_1),
                        new String(output, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void aUtf8ByteOrderMarkDoesNotStopInsertion() throws IOException {
        byte[] input = "\uFEFF<html><head>".getBytes(StandardCharsets.UTF_8);
        byte[] output = Feeder.run(transformer(ContentCoding.IDENTITY, "text/html"), input, Feeder.bytes());
        assertEquals("\uFEFF<html><head>" + S, new String(output, StandardCharsets.UTF_8));
    }

    @Test
    void manySpecsComeOutInBoundedPiecesToo() throws IOException {
        StringBuilder json = new StringBuilder("[");
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            String src = "https://cdn.example/" + "x".repeat(60) + i + ".js";
            json.append(i == 0 ? "" : ",").append("{\"src\":\"").append(src).append("\"}");
            tags.append("<script src=\"").append(src).append("\"></script>");
        }
        ScriptInjection injection = InjectionSpecs.parse(json.append(']').toString()).forRequest("/");
        BodyTransformer body = injection.forResponse("GET", new ResponseHead(1, 200, "OK",
                List.of(new HeaderField("Content-Type", "text/html")))).body();
        byte[] output = Feeder.run(body, "<p>".getBytes(StandardCharsets.US_ASCII), Feeder.whole());
        assertEquals("<p><head>" + tags + "</head>", new String(output, StandardCharsets.US_ASCII));
    }

    @Test
    void aLargePageStreamsThroughInBoundedPiecesWithTheTagsOnce() throws IOException {
        String page = "<html><head><title>big</title></head><body>" + "<p>paragraph &amp; text</p>\n".repeat(20_000)
                + "</body></html>";
        byte[] input = page.getBytes(StandardCharsets.UTF_8);
        String expected = page.replaceFirst("<head>", "<head>" + S);
        for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.random(3, 70_000))) {
            byte[] output = Feeder.run(transformer(ContentCoding.IDENTITY), input, sizes);
            assertEquals(expected, new String(output, StandardCharsets.UTF_8));
        }
    }
}
