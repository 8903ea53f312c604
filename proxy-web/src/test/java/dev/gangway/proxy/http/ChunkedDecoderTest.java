package dev.gangway.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {

    private static final String BODY = "5\r\nhello\r\n1;ext=\"x\"\r\n,\r\nA\r\n world!!!!\r\n0\r\nTrailer: t\r\n\r\n";

    /** Feeds {@code encoded} in pieces of {@code piece} bytes and returns the decoded body and what was left over. */
    private static String[] decode(String encoded, int piece) throws MalformedResponseException {
        ByteBuffer all = ByteBuffer.wrap(encoded.getBytes(StandardCharsets.ISO_8859_1));
        ChunkedDecoder decoder = new ChunkedDecoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(0);
        while (!decoder.isDone() && all.hasRemaining()) {
            int n = Math.min(piece, all.remaining());
            in = all.slice(all.position(), n);
            all.position(all.position() + n);
            ByteBuffer data;
            while ((data = decoder.next(in)) != null) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                out.writeBytes(copy);
            }
        }
        String rest = StandardCharsets.ISO_8859_1.decode(in).toString()
                + StandardCharsets.ISO_8859_1.decode(all).toString();
        return new String[] {out.toString(StandardCharsets.ISO_8859_1), rest, Boolean.toString(decoder.isDone())};
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 11, 64})
    void decodesInAnySplitAndStopsAfterTheTrailers(int piece) throws Exception {
        String[] result = decode(BODY + "NEXT", piece);
        assertEquals("hello, world!!!!", result[0]);
        assertEquals("NEXT", result[1]);
        assertEquals("true", result[2]);
    }

    @Test
    void acceptsBareLineFeedsAndUpperCaseHex() throws Exception {
        String[] result = decode("B\nhello world\n0\n\n", 1);
        assertEquals("hello world", result[0]);
        assertEquals("true", result[2]);
    }

    @Test
    void dataSlicesShareTheInputBuffer() throws Exception {
        ByteBuffer in = ByteBuffer.wrap("3\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII));
        ChunkedDecoder decoder = new ChunkedDecoder();
        ByteBuffer data = decoder.next(in);
        assertEquals(3, data.remaining());
        assertEquals('a', data.get(0));
        assertFalse(decoder.isDone());
        assertEquals(null, decoder.next(in));
        assertFalse(in.hasRemaining());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\r\n", "\r\n", "5\r\nhelloX", "5\r\nhello\rX", "5\r\rhello", "1000000000000000\r\n"})
    void refusesBadFraming(String encoded) {
        assertThrows(MalformedResponseException.class, () -> decode(encoded, 1));
    }

    @Test
    void refusesEndlessTrailers() {
        String endless = "0\r\n" + "X: y\r\n".repeat(20_000);
        MalformedResponseException e = assertThrows(MalformedResponseException.class, () -> decode(endless, 4096));
        assertTrue(e.getMessage().contains("trailer"));
    }
}
