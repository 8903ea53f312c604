package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Decodes a {@code deflate} body. RFC 9110 §8.4.1.2 says zlib-wrapped (RFC 1950), but some servers send raw
 * deflate (RFC 1951), and browsers accept both by looking at the first two bytes: a zlib header names method 8 and
 * its 16-bit value is a multiple of 31. The same test is made here. Bytes after the end of the deflate data are
 * dropped. An empty body is an empty page.
 */
final class DeflateDecoder extends InflatingDecoder {

    private final byte[] start = new byte[2];
    private int startLength;
    private boolean started;

    DeflateDecoder() {
        super("deflate");
    }

    @Override
    protected boolean readOutside() throws IOException {
        if (started) {
            // The deflate data ended (the zlib checksum, if any, was checked by the inflater).
            if (input != null) {
                input.position(input.limit());
                input = null;
            }
            if (ended) {
                finish();
            }
            return false;
        }
        while (startLength < 2 && input != null) {
            start[startLength++] = input.get();
            releaseInputIfEmpty();
        }
        if (startLength < 2) {
            if (ended) {
                if (startLength != 0) {
                    throw corrupt("it is one byte long");
                }
                finish();
            }
            return false;
        }
        started = true;
        int cmf = start[0] & 0xFF;
        int flg = start[1] & 0xFF;
        boolean zlib = (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
        // The two bytes looked at belong to the stream: they are inflated before the rest of the input.
        startInflating(zlib, ByteBuffer.wrap(start));
        return true;
    }
}
