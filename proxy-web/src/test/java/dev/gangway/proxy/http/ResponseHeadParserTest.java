package dev.gangway.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadParserTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Empty:\r\n"
            + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\n";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16, 1000})
    void parsesAHeadFedInPiecesOfAnySize(int piece) throws Exception {
        ByteBuffer all = bytes(HEAD + "hello");
        ResponseHeadParser parser = new ResponseHeadParser(1024);
        ResponseHead head = null;
        ByteBuffer last = null;
        while (head == null && all.hasRemaining()) {
            int n = Math.min(piece, all.remaining());
            last = all.slice(all.position(), n);
            all.position(all.position() + n);
            head = parser.parse(last);
        }
        assertNotNull(head);
        assertEquals(200, head.status());
        assertEquals("OK", head.reason());
        assertEquals(1, head.minorVersion());
        assertEquals("text/plain", head.first("content-type"));
        assertEquals("", head.first("X-Empty"));
        assertEquals(List.of("a=1", "b=2"), head.all("Set-Cookie"));
        // The parser stops exactly at the end of the head: what follows is body.
        String rest = StandardCharsets.ISO_8859_1.decode(last).toString()
                + StandardCharsets.ISO_8859_1.decode(all).toString();
        assertEquals("hello", rest);
    }

    @Test
    void acceptsBareLineFeedsAndMissingReason() throws Exception {
        ResponseHead head = new ResponseHeadParser(1024).parse(bytes("HTTP/1.0 204\nA: b\n\n"));
        assertEquals(204, head.status());
        assertEquals("", head.reason());
        assertEquals(0, head.minorVersion());
        assertFalse(head.keepsAlive());
    }

    @Test
    void parsesSuccessiveHeadsForInterimResponses() throws Exception {
        ResponseHeadParser parser = new ResponseHeadParser(1024);
        ByteBuffer in = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nConnection: close\r\n\r\n");
        ResponseHead interim = parser.parse(in);
        assertTrue(interim.isInterim());
        ResponseHead fin = parser.parse(in);
        assertEquals(201, fin.status());
        assertFalse(fin.keepsAlive());
        assertFalse(in.hasRemaining());
    }

    @Test
    void keepAliveRules() throws Exception {
        assertTrue(new ResponseHeadParser(1024).parse(bytes("HTTP/1.1 200 OK\r\n\r\n")).keepsAlive());
        assertTrue(new ResponseHeadParser(1024).parse(bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n"))
                .keepsAlive());
        assertFalse(new ResponseHeadParser(1024).parse(bytes("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\n\r\n"))
                .keepsAlive());
    }

    @Test
    void returnsNullUntilTheHeadIsComplete() throws Exception {
        ResponseHeadParser parser = new ResponseHeadParser(1024);
        assertNull(parser.parse(bytes("HTTP/1.1 200 OK\r\nA: b\r\n")));
        assertTrue(parser.started());
        assertNotNull(parser.parse(bytes("\r\n")));
        assertFalse(parser.started());
    }

    @Test
    void refusesAHeadOverTheLimit() {
        ResponseHeadParser parser = new ResponseHeadParser(64);
        String big = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(100) + "\r\n\r\n";
        assertThrows(MalformedResponseException.class, () -> parser.parse(bytes(big)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/2 200 OK\r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/1.1 20x OK\r\n\r\n",
            "HTTP/1.1 099 Low\r\n\r\n",
            "SSH-2.0-OpenSSH\r\n\r\n",
            "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\n: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"})
    void refusesMalformedHeads(String head) {
        assertThrows(MalformedResponseException.class, () -> new ResponseHeadParser(1024).parse(bytes(head)));
    }

    @Test
    void framingFollowsRfc9112() throws Exception {
        ResponseHeadParser p = new ResponseHeadParser(4096);
        assertEquals(ResponseFraming.Kind.CHUNKED, ResponseFraming.of(p.parse(bytes(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n")), "GET").kind());
        assertEquals(ResponseFraming.Kind.UNTIL_CLOSE, ResponseFraming.of(p.parse(bytes(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")), "GET").kind());
        assertEquals(new ResponseFraming(ResponseFraming.Kind.FIXED, 7), ResponseFraming.of(p.parse(bytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 7, 7\r\n\r\n")), "GET"));
        assertEquals(ResponseFraming.Kind.UNTIL_CLOSE,
                ResponseFraming.of(p.parse(bytes("HTTP/1.1 200 OK\r\n\r\n")), "GET").kind());
        ResponseHead withLength = p.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"));
        assertEquals(ResponseFraming.Kind.NONE, ResponseFraming.of(withLength, "HEAD").kind());
        for (String status : List.of("204 No Content", "304 Not Modified", "103 Early Hints")) {
            assertEquals(ResponseFraming.Kind.NONE, ResponseFraming.of(p.parse(bytes(
                    "HTTP/1.1 " + status + "\r\nContent-Length: 7\r\n\r\n")), "GET").kind());
        }
        ResponseHead conflicting = p.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 8\r\n\r\n"));
        assertThrows(MalformedResponseException.class, () -> ResponseFraming.of(conflicting, "GET"));
        ResponseHead negative = p.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
        assertThrows(MalformedResponseException.class, () -> ResponseFraming.of(negative, "GET"));
    }
}
