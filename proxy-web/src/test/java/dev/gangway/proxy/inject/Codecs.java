package dev.gangway.proxy.inject;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.aayushatharva.brotli4j.encoder.Encoder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/** Reference encoders and decoders for tests: the JDK's gzip and zlib, brotli4j's one-shot calls. */
final class Codecs {

    static {
        // brotli4j's encoder classes do not load the native library themselves.
        Brotli4jLoader.ensureAvailability();
    }

    private Codecs() {
    }

    /** Makes sure the native library is loaded before a test uses brotli4j directly. */
    static void loadBrotli() {
        // The static initializer did it.
    }

    static byte[] encode(ContentCoding coding, byte[] plain) {
        return switch (coding) {
            case IDENTITY -> plain;
            case GZIP -> gzip(plain);
            case DEFLATE -> deflate(plain, false);
            case BR -> brotli(plain);
        };
    }

    static byte[] decode(ContentCoding coding, byte[] encoded) {
        return switch (coding) {
            case IDENTITY -> encoded;
            case GZIP -> gunzip(encoded);
            case DEFLATE -> inflate(encoded, false);
            case BR -> unbrotli(encoded);
        };
    }

    static String headerValue(ContentCoding coding) {
        return switch (coding) {
            case IDENTITY -> null;
            case GZIP -> "gzip";
            case DEFLATE -> "deflate";
            case BR -> "br";
        };
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes every member, as RFC 1952 has it. */
    static byte[] gunzip(byte[] encoded) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(encoded))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] deflate(byte[] plain, boolean raw) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try {
            deflater.setInput(plain);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static byte[] inflate(byte[] encoded, boolean raw) {
        Inflater inflater = new Inflater(raw);
        try {
            inflater.setInput(encoded);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("truncated zlib stream");
                }
                out.write(buffer, 0, n);
            }
            if (inflater.getRemaining() != 0) {
                throw new IllegalStateException("bytes after the zlib stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        } finally {
            inflater.end();
        }
    }

    static byte[] brotli(byte[] plain) {
        try {
            return Encoder.compress(plain, Encoder.Parameters.create(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] unbrotli(byte[] encoded) {
        try {
            DirectDecompress result = Decoder.decompress(encoded);
            if (result.getResultStatus() != DecoderJNI.Status.DONE) {
                throw new IllegalStateException("brotli stream not complete: " + result.getResultStatus());
            }
            return result.getDecompressedData();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
