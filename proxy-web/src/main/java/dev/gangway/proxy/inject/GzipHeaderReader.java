package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Reads a gzip member header (RFC 1952 §2.3) from input that may arrive a byte at a time: the fixed ten bytes,
 * then the optional extra field, file name, comment and header CRC that the flags announce.
 */
final class GzipHeaderReader {

    enum Result { NEEDS_INPUT, DONE, NOT_GZIP }

    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED = 0xE0;

    private enum Part { FIXED, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DONE }

    private final CRC32 crc = new CRC32();
    private Part part = Part.FIXED;
    private int flags;
    /** Bytes read of the current part (fixed header, two-byte fields) or left to skip (extra field). */
    private int count;
    private int value;

    /** Whether no byte of this header was read yet: an input that ends here ends cleanly. */
    boolean atStart() {
        return part == Part.FIXED && count == 0;
    }

    /** Consumes header bytes from {@code in}, no further than the header's end. */
    Result read(ByteBuffer in) throws IOException {
        while (part != Part.DONE) {
            if (!in.hasRemaining()) {
                return Result.NEEDS_INPUT;
            }
            byte b = in.get();
            if (part != Part.HEADER_CRC) {
                crc.update(b);
            }
            int u = b & 0xFF;
            switch (part) {
                case FIXED -> {
                    if ((count == 0 && u != 0x1F) || (count == 1 && u != 0x8B)) {
                        return Result.NOT_GZIP;
                    }
                    if (count == 2 && u != 8) {
                        throw new IOException("the gzip body uses compression method " + u + ", not deflate (8)");
                    }
                    if (count == 3) {
                        flags = u;
                        if ((flags & RESERVED) != 0) {
                            throw new IOException("the gzip header sets reserved flag bits");
                        }
                    }
                    if (++count == 10) {
                        next(Part.EXTRA_LENGTH);
                    }
                }
                case EXTRA_LENGTH -> {
                    value |= u << (8 * count);
                    if (++count == 2) {
                        count = value;
                        part = Part.EXTRA;
                        if (count == 0) {
                            next(Part.NAME);
                        }
                    }
                }
                case EXTRA -> {
                    if (--count == 0) {
                        next(Part.NAME);
                    }
                }
                case NAME -> {
                    if (u == 0) {
                        next(Part.COMMENT);
                    }
                }
                case COMMENT -> {
                    if (u == 0) {
                        next(Part.HEADER_CRC);
                    }
                }
                case HEADER_CRC -> {
                    value |= u << (8 * count);
                    if (++count == 2) {
                        if (value != (int) (crc.getValue() & 0xFFFF)) {
                            throw new IOException("the gzip header's CRC does not match the header");
                        }
                        part = Part.DONE;
                    }
                }
                default -> throw new IllegalStateException(part.name());
            }
        }
        return Result.DONE;
    }

    /** Moves to {@code wanted} or, when its flag is not set, to the first later part whose flag is. */
    private void next(Part wanted) {
        count = 0;
        value = 0;
        Part p = wanted;
        while (p != Part.DONE && !present(p)) {
            p = Part.values()[p.ordinal() + 1];
        }
        part = p;
    }

    private boolean present(Part p) {
        return switch (p) {
            case EXTRA_LENGTH, EXTRA -> (flags & FEXTRA) != 0;
            case NAME -> (flags & FNAME) != 0;
            case COMMENT -> (flags & FCOMMENT) != 0;
            case HEADER_CRC -> (flags & FHCRC) != 0;
            default -> true;
        };
    }
}
