package dev.gangway.proxy.inject;

import static dev.gangway.proxy.inject.ScriptInsertionTest.H;
import static dev.gangway.proxy.inject.ScriptInsertionTest.S;
import static dev.gangway.proxy.inject.ScriptInsertionTest.transformer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Decode, insert, encode again: the output decodes (with the reference decoders) to the expected page. */
class CompressedBodyTest {

    private static final String PAGE = "<!doctype html>\n<html lang=\"en\"><head data-x=\"a>b\"><meta charset=utf-8>"
            + "<title>Page</title></head><body>" + "<p>Lorem ipsum dolor sit amet, €, 日本</p>\n".repeat(300)
            + "</body></html>\n";
    private static final String EXPECTED = PAGE.replace("<head data-x=\"a>b\">", "<head data-x=\"a>b\">" + S);

    static {
        Codecs.loadBrotli();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String rewrite(ContentCoding coding, byte[] encoded, IntSupplier sizes) throws IOException {
        byte[] output = Feeder.run(transformer(coding), encoded, sizes);
        return new String(Codecs.decode(coding, output), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(ContentCoding.class)
    void everyCodingRoundTripsWhateverTheChunking(ContentCoding coding) throws IOException {
        byte[] encoded = Codecs.encode(coding, utf8(PAGE));
        for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.bytes(), Feeder.random(7, 13),
                Feeder.random(8, 3000))) {
            assertEquals(EXPECTED, rewrite(coding, encoded, sizes));
        }
    }

    @ParameterizedTest
    @EnumSource(ContentCoding.class)
    void headSplitAcrossFlushedPiecesOfTheServicesStream(ContentCoding coding) throws IOException {
        // The service flushes its encoder after each piece, so the decoded bytes arrive split inside "<head>".
        List<String> pieces = List.of("<ht", "ml><h", "e", "ad", " x='>'", ">", "<title>t</title></he", "ad><bo",
                "dy>b</body></html>");
        byte[] encoded = flushedStream(coding, pieces);
        String expected = "<html><head x='>'>" + S + "<title>t</title></head><body>b</body></html>";
        for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.bytes(), Feeder.random(5, 4))) {
            assertEquals(expected, rewrite(coding, encoded, sizes));
        }
    }

    @ParameterizedTest
    @EnumSource(ContentCoding.class)
    void fallbackPositionsWorkThroughEveryCoding(ContentCoding coding) throws IOException {
        assertEquals("<p>a</p>" + H + "<body>b</body>",
                rewrite(coding, Codecs.encode(coding, utf8("<p>a</p><body>b</body>")), Feeder.bytes()));
        assertEquals("<p>a</p>" + H, rewrite(coding, Codecs.encode(coding, utf8("<p>a</p>")), Feeder.bytes()));
    }

    @ParameterizedTest
    @EnumSource(ContentCoding.class)
    void anEmptyBodyIsAnEmptyPage(ContentCoding coding) throws IOException {
        assertEquals(H, rewrite(coding, new byte[0], Feeder.whole()));
    }

    @Test
    void rawDeflateIsAcceptedAndAnsweredZlibWrapped() throws IOException {
        byte[] raw = Codecs.deflate(utf8(PAGE), true);
        for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.bytes())) {
            byte[] output = Feeder.run(transformer(ContentCoding.DEFLATE), raw, sizes);
            assertEquals(EXPECTED, new String(Codecs.inflate(output, false), StandardCharsets.UTF_8));
        }
    }

    @Test
    void gzipHeaderFieldsAreSkippedAndMembersJoined() throws IOException {
        byte[] first = gzipWithAllHeaderFields(utf8("<html><head>"));
        byte[] second = Codecs.gzip(utf8("<title>t</title></head></html>"));
        byte[] both = concat(concat(first, second), new byte[] {0, 0, 0, 0}); // zero padding after the last member
        for (IntSupplier sizes : List.of(Feeder.whole(), Feeder.bytes(), Feeder.random(11, 9))) {
            assertEquals("<html><head>" + S + "<title>t</title></head></html>",
                    rewrite(ContentCoding.GZIP, both, sizes));
        }
    }

    @Test
    void aCorruptGzipBodyFailsWithAClearMessage() {
        byte[] encoded = Codecs.gzip(utf8(PAGE));
        byte[] flipped = encoded.clone();
        flipped[flipped.length / 2] ^= 0x5A;
        IOException corrupt = assertThrows(IOException.class,
                () -> Feeder.run(transformer(ContentCoding.GZIP), flipped, Feeder.random(1, 100)));
        assertTrue(corrupt.getMessage().startsWith("The service's gzip-encoded body is corrupt"), corrupt.getMessage());

        byte[] badCrc = encoded.clone();
        badCrc[badCrc.length - 6] ^= 1;
        IOException crc = assertThrows(IOException.class,
                () -> Feeder.run(transformer(ContentCoding.GZIP), badCrc, Feeder.whole()));
        assertTrue(crc.getMessage().contains("CRC-32"), crc.getMessage());

        byte[] truncated = java.util.Arrays.copyOf(encoded, encoded.length - 20);
        IOException cut = assertThrows(IOException.class,
                () -> Feeder.run(transformer(ContentCoding.GZIP), truncated, Feeder.whole()));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());

        IOException notGzip = assertThrows(IOException.class,
                () -> Feeder.run(transformer(ContentCoding.GZIP), utf8(PAGE), Feeder.whole()));
        assertTrue(notGzip.getMessage().contains("gzip signature"), notGzip.getMessage());
    }

    @Test
    void corruptOrTruncatedDeflateAndBrotliFail() {
        byte[] deflate = Codecs.deflate(utf8(PAGE), false);
        byte[] badAdler = deflate.clone();
        badAdler[badAdler.length - 1] ^= 1;
        assertThrows(IOException.class, () -> Feeder.run(transformer(ContentCoding.DEFLATE), badAdler, Feeder.whole()));
        byte[] cutDeflate = java.util.Arrays.copyOf(deflate, deflate.length / 2);
        assertThrows(IOException.class, () -> Feeder.run(transformer(ContentCoding.DEFLATE), cutDeflate, Feeder.whole()));

        byte[] br = Codecs.brotli(utf8(PAGE));
        byte[] cutBr = java.util.Arrays.copyOf(br, br.length / 2);
        IOException cut = assertThrows(IOException.class,
                () -> Feeder.run(transformer(ContentCoding.BR), cutBr, Feeder.random(2, 50)));
        assertTrue(cut.getMessage().startsWith("The service's br-encoded body is corrupt"), cut.getMessage());
        byte[] garbage = utf8("this is not brotli at all, just text that a broken server labelled br");
        assertThrows(IOException.class, () -> Feeder.run(transformer(ContentCoding.BR), garbage, Feeder.whole()));
    }

    @Test
    void afterAFailureEveryPollFailsAndCloseIsIdempotent() throws IOException {
        BodyTransformer t = transformer(ContentCoding.GZIP);
        t.offer(ByteBuffer.wrap(utf8("not gzip")));
        IOException first = assertThrows(IOException.class, () -> {
            while (t.poll() != null) {
                // the encoder's gzip header comes out before the input is looked at
            }
        });
        assertEquals(first, assertThrows(IOException.class, t::poll));
        assertFalse(t.needsInput());
        assertFalse(t.isFinished());
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, t::poll);
    }

    @ParameterizedTest
    @EnumSource(ContentCoding.class)
    void offeringWhileTheLastInputIsInUseOrAfterTheEndIsRefused(ContentCoding coding) throws IOException {
        try (BodyTransformer t = transformer(coding)) {
            t.offer(ByteBuffer.wrap(Codecs.encode(coding, utf8(PAGE))));
            assertFalse(t.needsInput());
            assertThrows(IllegalStateException.class, () -> t.offer(ByteBuffer.allocate(1)));
            while (t.poll() != null) {
                // drain
            }
            t.endOfInput();
            assertThrows(IllegalStateException.class, () -> t.offer(ByteBuffer.allocate(1)));
        }
    }

    /**
     * A page the service streams reaches the visitor as it comes: once the service's first part is in and the
     * transformer has run dry, the output so far decodes to that whole part, scripts included.
     */
    @ParameterizedTest
    @EnumSource(value = ContentCoding.class, names = {"GZIP", "DEFLATE", "BR"})
    void whatTheServiceSentSoFarIsFlushedToTheVisitor(ContentCoding coding) throws IOException {
        String part1 = "<html><head><title>loading</title></head><body><p>shell</p>";
        byte[] encoded = flushedStream(coding, List.of(part1, "<p>data</p></body></html>"));
        int firstPart = flushedStream(coding, List.of(part1)).length - trailerLength(coding);
        try (BodyTransformer t = transformer(coding)) {
            t.offer(ByteBuffer.wrap(java.util.Arrays.copyOf(encoded, firstPart)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer piece;
            while ((piece = t.poll()) != null) {
                byte[] b = new byte[piece.remaining()];
                piece.get(b);
                out.writeBytes(b);
            }
            assertTrue(t.needsInput());
            String soFar = decodePrefix(coding, out.toByteArray());
            assertEquals(part1.replace("<head>", "<head>" + S), soFar);
        }
    }

    /**
     * "<p>" and 100 MB of zeros in about 100 KB of gzip or br: the output comes in bounded pieces and memory stays
     * flat (the surefire heap is 48 MB); the re-encoded output is decoded on the fly to check its length. With no
     * head, body or /html the scanner reads all of it and the scripts go at the end.
     */
    @ParameterizedTest
    @EnumSource(value = ContentCoding.class, names = {"GZIP", "BR"})
    void aCompressionBombStreamsInBoundedPieces(ContentCoding coding) throws IOException {
        long plainLength = 100L * 1024 * 1024;
        byte[] bomb = zeros(coding, plainLength);
        assertTrue(bomb.length < 1024 * 1024, "the bomb is small: " + bomb.length);
        long[] decoded = {0};
        long[] pieces = {0};
        StreamingCheck check = new StreamingCheck(coding);
        Feeder.run(transformer(coding), bomb, Feeder.random(4, 32 * 1024), piece -> {
            pieces[0]++;
            decoded[0] += check.decode(piece);
        });
        decoded[0] += check.finish();
        assertEquals(3 + plainLength + H.length(), decoded[0]);
        assertTrue(pieces[0] > 0);
        assertTrue(Runtime.getRuntime().totalMemory() <= 48L * 1024 * 1024 + 1024 * 1024);
    }

    // Helpers.

    private static byte[] flushedStream(ContentCoding coding, List<String> pieces) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = switch (coding) {
            case IDENTITY -> sink;
            case GZIP -> new GZIPOutputStream(sink, true);
            case DEFLATE -> new DeflaterOutputStream(sink, new Deflater(), true);
            case BR -> new BrotliOutputStream(sink, Encoder.Parameters.create(5));
        };
        for (String piece : pieces) {
            out.write(utf8(piece));
            out.flush();
        }
        out.close();
        return sink.toByteArray();
    }

    /** Bytes a closed stream has after its last flush that an open one would not: the end of stream marker. */
    private static int trailerLength(ContentCoding coding) {
        return switch (coding) {
            case GZIP -> 8 + 2; // trailer + final empty block
            case DEFLATE -> 4 + 2; // adler32 + final empty block
            default -> 1; // brotli's last empty meta-block
        };
    }

    private static String decodePrefix(ContentCoding coding, byte[] prefix) throws IOException {
        StreamingCheck check = new StreamingCheck(coding, true);
        check.decode(ByteBuffer.wrap(prefix));
        return check.text();
    }

    private static byte[] zeros(ContentCoding coding, long length) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = coding == ContentCoding.GZIP ? new GZIPOutputStream(sink)
                : new BrotliOutputStream(sink, Encoder.Parameters.create(5))) {
            out.write(utf8("<p>"));
            byte[] block = new byte[64 * 1024];
            for (long written = 0; written < length; written += block.length) {
                out.write(block);
            }
        }
        return sink.toByteArray();
    }

    private static byte[] gzipWithAllHeaderFields(byte[] plain) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x1F, (byte) 0x8B, 8, 0x1E, 1, 2, 3, 4, 0, 3}); // FHCRC|FEXTRA|FNAME|FCOMMENT
        header.writeBytes(new byte[] {5, 0, 'A', 'B', 1, 0, 'z'}); // XLEN 5, one subfield
        header.writeBytes(utf8("index.html\0"));
        header.writeBytes(utf8("a comment\0"));
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header.toByteArray());
        int crc16 = (int) (headerCrc.getValue() & 0xFFFF);
        header.writeBytes(new byte[] {(byte) crc16, (byte) (crc16 >> 8)});
        byte[] raw = Codecs.deflate(plain, true);
        CRC32 crc = new CRC32();
        crc.update(plain);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(plain.length);
        return concat(concat(header.toByteArray(), raw), trailer.array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** Decodes the transformer's output incrementally, counting bytes (and keeping them when asked). */
    private static final class StreamingCheck {
        private final ContentCoding coding;
        private final boolean keep;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Inflater inflater;
        private final ByteArrayOutputStream brotliInput = new ByteArrayOutputStream();
        private final byte[] buffer = new byte[64 * 1024];
        private int gzipHeaderLeft;

        StreamingCheck(ContentCoding coding) {
            this(coding, false);
        }

        StreamingCheck(ContentCoding coding, boolean keep) {
            this.coding = coding;
            this.keep = keep;
            this.inflater = coding == ContentCoding.BR ? null : new Inflater(coding == ContentCoding.GZIP);
            this.gzipHeaderLeft = coding == ContentCoding.GZIP ? 10 : 0;
        }

        long decode(ByteBuffer piece) throws IOException {
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            int offset = Math.min(gzipHeaderLeft, bytes.length);
            gzipHeaderLeft -= offset;
            if (coding == ContentCoding.BR) {
                brotliInput.writeBytes(bytes);
                return brotliStep();
            }
            if (inflater.finished()) {
                return 0; // the gzip trailer
            }
            inflater.setInput(bytes, offset, bytes.length - offset);
            long total = 0;
            try {
                int n;
                while ((n = inflater.inflate(buffer)) > 0) {
                    total += n;
                    if (keep) {
                        kept.write(buffer, 0, n);
                    }
                }
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException(e);
            }
            return total;
        }

        /**
         * Brotli's reference stream decoder blocks on input, so the brotli output is decoded by pushing it
         * through brotli4j's own wrapper in slices.
         */
        private long brotliStep() throws IOException {
            byte[] bytes = brotliInput.toByteArray();
            brotliInput.reset();
            long total = 0;
            ensureBrotli();
            ByteBuffer in = ByteBuffer.wrap(bytes);
            while (true) {
                ByteBuffer out = brotli.poll();
                if (out != null) {
                    total += out.remaining();
                    if (keep) {
                        byte[] b = new byte[out.remaining()];
                        out.get(b);
                        kept.writeBytes(b);
                    }
                    continue;
                }
                if (!in.hasRemaining()) {
                    return total;
                }
                int n = Math.min(in.remaining(), 8192);
                brotli.offer(ByteBuffer.wrap(bytes, in.position(), n).slice());
                in.position(in.position() + n);
            }
        }

        private BrotliDecoder brotli;

        private void ensureBrotli() throws IOException {
            if (brotli == null) {
                brotli = new BrotliDecoder();
            }
        }

        long finish() throws IOException {
            if (inflater != null) {
                assertTrue(inflater.finished(), "the output is a complete stream");
                inflater.end();
                return 0;
            }
            brotli.endOfInput();
            long total = 0;
            ByteBuffer out;
            while ((out = brotli.poll()) != null) {
                total += out.remaining();
            }
            assertTrue(brotli.isFinished(), "the output is a complete brotli stream");
            brotli.close();
            return total;
        }

        String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theReferenceCheckerCanFail() {
        // The streaming check above must notice a stream that is not complete.
        assertThrows(AssertionError.class, () -> {
            StreamingCheck check = new StreamingCheck(ContentCoding.GZIP);
            byte[] partial = java.util.Arrays.copyOf(Codecs.gzip(utf8(PAGE)), 30);
            check.decode(ByteBuffer.wrap(partial));
            check.finish();
        });
        assertArrayEquals(utf8(PAGE), Codecs.gunzip(Codecs.gzip(utf8(PAGE))));
    }
}
