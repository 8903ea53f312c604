package dev.gangway.proxy.inject;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes the rewritten page as gzip (RFC 1952, header and trailer written here around raw deflate) or as
 * zlib-wrapped deflate (RFC 9110's {@code deflate}), one bounded output buffer at a time.
 *
 * <p>Flush policy: on {@link #flush()} (the service has sent nothing more for now) a SYNC_FLUSH pushes out
 * everything encoded so far. A page the service streams (a shell first, data later) then renders progressively,
 * and nothing sits in the encoder while the service waits. The price is about five bytes per flush and a block
 * boundary; the flush happens once per batch of service input, not once per output buffer, so a body that arrives
 * in large reads compresses as well as without it.
 */
final class DeflatingEncoder implements BodyStage {

    /** zlib's default level: what most servers use for pages; 9 costs far more CPU for a few percent. */
    private static final int LEVEL = Deflater.DEFAULT_COMPRESSION;

    /** ID1 ID2 CM=deflate FLG=0 MTIME=0 (none) XFL=0 OS=255 (unknown). */
    private static final byte[] GZIP_HEADER = {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0, 0, (byte) 0xFF};
    private static final byte[] NOTHING = new byte[0];

    private final boolean gzip;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final ByteBuffer out = ByteBuffer.allocate(MAX_OUTPUT);
    private ByteBuffer input;
    private boolean headerSent;
    private boolean flushPending;
    private boolean ended;
    private boolean finishing;
    private boolean trailerSent;
    private boolean finished;
    private boolean closed;

    private DeflatingEncoder(boolean gzip) {
        this.gzip = gzip;
        this.deflater = new Deflater(LEVEL, gzip);
        this.headerSent = !gzip;
    }

    static DeflatingEncoder gzip() {
        return new DeflatingEncoder(true);
    }

    static DeflatingEncoder zlib() {
        return new DeflatingEncoder(false);
    }

    @Override
    public void offer(ByteBuffer buffer) {
        if (!needsInput()) {
            throw new IllegalStateException("offer() while the previous input is still in use or after the end");
        }
        if (buffer.hasRemaining()) {
            if (gzip) {
                crc.update(buffer.duplicate());
            }
            input = buffer;
            deflater.setInput(buffer);
        }
    }

    @Override
    public void endOfInput() {
        ended = true;
    }

    @Override
    public void flush() {
        flushPending = true;
    }

    @Override
    public ByteBuffer poll() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (!headerSent) {
            headerSent = true;
            return ByteBuffer.wrap(GZIP_HEADER);
        }
        while (input != null) {
            int n = deflate(Deflater.NO_FLUSH);
            if (!input.hasRemaining()) {
                // Replace the deflater's reference, so that the caller may reuse the buffer.
                deflater.setInput(NOTHING);
                input = null;
            }
            if (n > 0) {
                return out;
            }
        }
        if (flushPending && !ended) {
            int n = deflate(Deflater.SYNC_FLUSH);
            // A full buffer may mean more to flush: flush again on the next poll.
            flushPending = n == out.capacity();
            if (n > 0) {
                return out;
            }
        }
        if (ended && !finishing) {
            finishing = true;
            deflater.finish();
        }
        while (finishing && !deflater.finished()) {
            if (deflate(Deflater.NO_FLUSH) > 0) {
                return out;
            }
        }
        if (finishing && gzip && !trailerSent) {
            trailerSent = true;
            return trailer();
        }
        if (finishing) {
            finished = true;
        }
        return null;
    }

    private int deflate(int flushMode) {
        out.clear();
        int n = deflater.deflate(out, flushMode);
        out.flip();
        return n;
    }

    private ByteBuffer trailer() {
        ByteBuffer t = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt((int) crc.getValue());
        t.putInt((int) deflater.getBytesRead());
        return t.flip();
    }

    @Override
    public boolean needsInput() {
        return input == null && !ended;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            input = null;
            deflater.end();
        }
    }
}
