package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Decodes a gzip body (RFC 1952): each member's header, its deflate data, and its trailer, whose CRC-32 and length
 * are checked. Several members follow one another as one body, as RFC 1952 §2.2 has it. Bytes after a member that
 * do not begin another one are dropped, as browsers and the JDK's GZIPInputStream drop them. An empty body is an
 * empty page.
 */
final class GzipDecoder extends InflatingDecoder {

    private enum Part { HEADER, DATA, TRAILER, AFTER_MEMBER, IGNORED_TAIL }

    private final CRC32 crc = new CRC32();
    private final byte[] trailer = new byte[8];
    private Part part = Part.HEADER;
    private GzipHeaderReader header = new GzipHeaderReader();
    private boolean firstMember = true;
    private int trailerLength;

    GzipDecoder() {
        super("gzip");
    }

    @Override
    protected boolean readOutside() throws IOException {
        while (true) {
            switch (part) {
                case HEADER -> {
                    if (input == null) {
                        return endOrWait(firstMember && header.atStart(), "it ends inside a gzip header");
                    }
                    GzipHeaderReader.Result result = header.read(input);
                    releaseInputIfEmpty();
                    if (result == GzipHeaderReader.Result.NOT_GZIP) {
                        if (firstMember) {
                            throw corrupt("it does not start with the gzip signature");
                        }
                        part = Part.IGNORED_TAIL;
                    } else if (result == GzipHeaderReader.Result.DONE) {
                        part = Part.DATA;
                        crc.reset();
                        startInflating(false, null);
                        return true;
                    }
                }
                case DATA -> {
                    part = Part.TRAILER;
                    trailerLength = 0;
                }
                case TRAILER -> {
                    if (input == null) {
                        return endOrWait(false, "it ends inside a gzip trailer (truncated)");
                    }
                    while (trailerLength < trailer.length && input.hasRemaining()) {
                        trailer[trailerLength++] = input.get();
                    }
                    releaseInputIfEmpty();
                    if (trailerLength == trailer.length) {
                        checkTrailer();
                        part = Part.AFTER_MEMBER;
                    }
                }
                case AFTER_MEMBER -> {
                    if (input == null) {
                        return endOrWait(true, null);
                    }
                    firstMember = false;
                    header = new GzipHeaderReader();
                    part = Part.HEADER;
                }
                case IGNORED_TAIL -> {
                    if (input != null) {
                        input.position(input.limit());
                        input = null;
                    }
                    return endOrWait(true, null);
                }
                default -> throw new IllegalStateException(part.name());
            }
        }
    }

    /** No input at hand: finish if the body ended at a clean point, fail if it ended mid-structure, else wait. */
    private boolean endOrWait(boolean cleanEnd, String truncation) throws IOException {
        if (!ended) {
            return false;
        }
        if (!cleanEnd) {
            throw corrupt(truncation);
        }
        finish();
        return false;
    }

    private void checkTrailer() throws IOException {
        long expectedCrc = littleEndian(0);
        long expectedSize = littleEndian(4);
        if (expectedCrc != crc.getValue()) {
            throw corrupt("the CRC-32 in the gzip trailer does not match the data");
        }
        if (expectedSize != (inflatedSize() & 0xFFFF_FFFFL)) {
            throw corrupt("the length in the gzip trailer does not match the data");
        }
    }

    private long littleEndian(int offset) {
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (trailer[offset + i] & 0xFF);
        }
        return v;
    }

    @Override
    protected void inflated(ByteBuffer piece) {
        crc.update(piece);
    }
}
