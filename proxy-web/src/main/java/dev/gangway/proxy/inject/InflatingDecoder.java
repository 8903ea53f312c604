package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes gzip or deflate bodies with the JDK's zlib, one bounded output buffer at a time: a body that inflates a
 * thousandfold still comes out {@link BodyTransformer#MAX_OUTPUT} bytes per poll. Subclasses read what surrounds
 * the deflate data (the gzip header and trailer, the zlib-or-raw choice).
 */
abstract class InflatingDecoder implements BodyStage {

    private final String coding;
    private static final byte[] NOTHING = new byte[0];

    private final ByteBuffer out = ByteBuffer.allocate(MAX_OUTPUT);
    /** Created by the subclass once it knows the wrapping; ended in {@link #close()}. */
    private Inflater inflater;
    private boolean inflaterHasInput;
    /** Bytes the subclass consumed to decide the wrapping but that belong to the deflate data: inflated first. */
    private ByteBuffer prefix;
    private boolean inflatingPrefix;
    /** The offered buffer, or {@code null} once it is all consumed. */
    protected ByteBuffer input;
    protected boolean ended;
    private boolean finished;
    private boolean closed;

    protected InflatingDecoder(String coding) {
        this.coding = coding;
    }

    @Override
    public final void offer(ByteBuffer buffer) {
        if (!needsInput()) {
            throw new IllegalStateException("offer() while the previous input is still in use or after the end");
        }
        input = buffer.hasRemaining() ? buffer : null;
    }

    @Override
    public final void endOfInput() {
        ended = true;
    }

    @Override
    public final ByteBuffer poll() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        while (!finished) {
            if (inflater == null || inflater.finished()) {
                // Outside the deflate data: the subclass reads headers and trailers, or decides it is done.
                if (!readOutside()) {
                    return null;
                }
                continue;
            }
            if (!inflaterHasInput && prefix != null) {
                inflater.setInput(prefix);
                inflaterHasInput = true;
                inflatingPrefix = true;
            } else if (!inflaterHasInput && input != null) {
                inflater.setInput(input);
                inflaterHasInput = true;
            }
            out.clear();
            int n;
            try {
                // Even without new input this may produce bytes: a long match can outlast one output buffer.
                n = inflater.inflate(out);
            } catch (DataFormatException e) {
                throw corrupt(e.getMessage());
            }
            if (inflaterHasInput && (inflater.needsInput() || inflater.finished())) {
                detachInput();
            }
            if (n > 0) {
                out.flip();
                inflated(out.duplicate());
                return out;
            }
            if (inflater.needsDictionary()) {
                throw corrupt("it needs a preset dictionary, which HTTP never provides");
            }
            if (!inflater.finished() && inflater.needsInput() && input == null && prefix == null) {
                if (ended) {
                    throw corrupt("it ends in the middle of the compressed data (truncated)");
                }
                return null;
            }
        }
        return null;
    }

    /**
     * The inflater keeps a reference to its input buffer; once it is done with it (all consumed, or the deflate
     * data ended inside it) that reference is replaced, so the caller may reuse the buffer. Unconsumed bytes (a
     * gzip trailer) stay in {@link #input} for the subclass, position advanced past the deflate data.
     */
    private void detachInput() {
        inflater.setInput(NOTHING);
        inflaterHasInput = false;
        if (inflatingPrefix) {
            inflatingPrefix = false;
            prefix = null;
        } else {
            releaseInputIfEmpty();
        }
    }

    /**
     * Starts (or restarts, for another gzip member) the deflate data with the given wrapping.
     *
     * @param prefix bytes already taken from the input that begin the deflate data, or {@code null}
     */
    protected final void startInflating(boolean zlibWrapped, ByteBuffer prefix) {
        this.prefix = prefix;
        if (inflater == null) {
            inflater = new Inflater(!zlibWrapped);
        } else {
            inflater.reset();
        }
        inflaterHasInput = false;
    }

    /**
     * Reads from {@link #input} what comes before or after the deflate data, calling {@link #startInflating} when
     * the deflate data begins and {@link #finish()} when the body is complete.
     *
     * @return whether to go on; {@code false} when input is needed ({@link #input} was set to {@code null})
     */
    protected abstract boolean readOutside() throws IOException;

    /** Sees every inflated piece before it is passed on (for the gzip CRC). */
    protected void inflated(ByteBuffer piece) {
    }

    /** Total inflated bytes of the current deflate stream, modulo 2^32 as gzip records it. */
    protected final long inflatedSize() {
        return inflater.getBytesWritten();
    }

    protected final void finish() {
        finished = true;
    }

    protected final IOException corrupt(String problem) {
        return new IOException("The service's " + coding + "-encoded body is corrupt: " + problem);
    }

    /** Marks the current input buffer used up when nothing is left in it. */
    protected final void releaseInputIfEmpty() {
        if (input != null && !input.hasRemaining()) {
            input = null;
        }
    }

    @Override
    public final boolean needsInput() {
        return input == null && !ended;
    }

    @Override
    public final boolean isFinished() {
        return finished;
    }

    @Override
    public final void close() {
        closed = true;
        input = null;
        if (inflater != null) {
            inflater.end();
        }
    }
}
