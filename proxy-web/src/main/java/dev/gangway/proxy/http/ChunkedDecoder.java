package dev.gangway.proxy.http;

import java.nio.ByteBuffer;

/**
 * Decodes a chunked body incrementally and without copying: {@link #next} hands back slices of the input that are
 * body data, skipping sizes, extensions and trailers. Undertow chunks the body again for the visitor, so the
 * service's chunk boundaries and trailers do not travel.
 */
public final class ChunkedDecoder {

    private static final int MAX_SIZE_LINE = 4096;
    private static final int MAX_TRAILER_BYTES = 64 * 1024;

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_LINE_START, TRAILER_LINE, DONE }

    private State state = State.SIZE;
    private long size;
    private int sizeDigits;
    private int sizeLineBytes;
    private long dataLeft;
    private int trailerBytes;
    private boolean trailerLineEmpty;

    /** Whether the last chunk and the trailer section have been read. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /**
     * Consumes framing from {@code in} and returns the next run of body bytes as a slice of {@code in} (whose
     * position moves past them), or {@code null} when {@code in} is used up or the body is complete.
     */
    public ByteBuffer next(ByteBuffer in) throws MalformedResponseException {
        while (in.hasRemaining() && state != State.DONE) {
            if (state == State.DATA) {
                int n = (int) Math.min(dataLeft, in.remaining());
                ByteBuffer data = in.slice(in.position(), n);
                in.position(in.position() + n);
                dataLeft -= n;
                if (dataLeft == 0) {
                    state = State.DATA_CR;
                }
                return data;
            }
            step(in.get());
        }
        return null;
    }

    private void step(byte b) throws MalformedResponseException {
        switch (state) {
            case SIZE -> sizeByte(b);
            case EXTENSION -> {
                countSizeLine();
                if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (b == '\n') {
                    endSizeLine();
                }
            }
            case SIZE_LF -> {
                if (b != '\n') {
                    throw new MalformedResponseException("chunk size line not ended by CRLF");
                }
                endSizeLine();
            }
            case DATA_CR -> {
                if (b == '\r') {
                    state = State.DATA_LF;
                } else if (b == '\n') {
                    state = State.SIZE;
                } else {
                    throw new MalformedResponseException("chunk data not followed by CRLF");
                }
            }
            case DATA_LF -> {
                if (b != '\n') {
                    throw new MalformedResponseException("chunk data not followed by CRLF");
                }
                state = State.SIZE;
            }
            case TRAILER_LINE_START, TRAILER_LINE -> trailerByte(b);
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void sizeByte(byte b) throws MalformedResponseException {
        countSizeLine();
        int digit = Character.digit(b, 16);
        if (digit >= 0) {
            if (++sizeDigits > 15) {
                throw new MalformedResponseException("chunk size too large");
            }
            size = size * 16 + digit;
        } else if (sizeDigits == 0) {
            throw new MalformedResponseException("chunk size missing");
        } else if (b == ';' || b == ' ' || b == '\t') {
            state = State.EXTENSION;
        } else if (b == '\r') {
            state = State.SIZE_LF;
        } else if (b == '\n') {
            endSizeLine();
        } else {
            throw new MalformedResponseException("invalid chunk size");
        }
    }

    private void countSizeLine() throws MalformedResponseException {
        if (++sizeLineBytes > MAX_SIZE_LINE) {
            throw new MalformedResponseException("chunk size line too long");
        }
    }

    private void endSizeLine() {
        dataLeft = size;
        state = size == 0 ? State.TRAILER_LINE_START : State.DATA;
        size = 0;
        sizeDigits = 0;
        sizeLineBytes = 0;
    }

    private void trailerByte(byte b) throws MalformedResponseException {
        if (++trailerBytes > MAX_TRAILER_BYTES) {
            throw new MalformedResponseException("chunked trailer section too large");
        }
        if (state == State.TRAILER_LINE_START) {
            trailerLineEmpty = true;
            state = State.TRAILER_LINE;
        }
        if (b == '\n') {
            state = trailerLineEmpty ? State.DONE : State.TRAILER_LINE_START;
        } else if (b != '\r') {
            trailerLineEmpty = false;
        }
    }
}
