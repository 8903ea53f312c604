package dev.gangway.proxy.inject;

import com.aayushatharva.brotli4j.encoder.Encoder;
import com.aayushatharva.brotli4j.encoder.EncoderJNI;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Encodes the rewritten page as br with brotli4j's push/pull JNI wrapper. Same flush policy as
 * {@link DeflatingEncoder}: a brotli FLUSH when the service has sent nothing more for now.
 */
final class BrotliEncoder implements BodyStage {

    /**
     * Quality 5 of 11: the usual choice for compressing on the fly (11 is for static files and costs two orders of
     * magnitude more CPU); it still beats gzip -6 on HTML.
     */
    private static final int QUALITY = 5;
    /** A 1 MiB window (the default is 4 MiB): pages are rarely larger, and each encoder holds its window natively. */
    private static final int WINDOW_BITS = 20;

    private final EncoderJNI.Wrapper encoder;
    private ByteBuffer input;
    /** Encoded bytes not yet handed out: a view of native memory, valid until the encoder is next called. */
    private ByteBuffer pending;
    private EncoderJNI.Operation operation = EncoderJNI.Operation.PROCESS;
    private boolean flushPending;
    private boolean ended;
    private boolean finishPushed;
    private boolean finished;
    private boolean closed;

    BrotliEncoder() throws IOException {
        encoder = new EncoderJNI.Wrapper(MAX_OUTPUT, QUALITY, WINDOW_BITS, Encoder.Mode.TEXT);
    }

    @Override
    public void offer(ByteBuffer buffer) {
        if (!needsInput()) {
            throw new IllegalStateException("offer() while the previous input is still in use or after the end");
        }
        input = buffer.hasRemaining() ? buffer : null;
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
    public ByteBuffer poll() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        while (!finished) {
            if (pending != null && pending.hasRemaining()) {
                return NativeBuffers.take(pending);
            }
            pending = null;
            if (!encoder.isSuccess()) {
                throw new IOException("The brotli encoder failed while re-encoding the page");
            }
            if (encoder.hasMoreOutput()) {
                pending = encoder.pull();
            } else if (encoder.hasRemainingInput()) {
                encoder.push(operation, 0);
            } else if (finishPushed) {
                finished = encoder.isFinished();
                if (!finished) {
                    encoder.push(operation, 0);
                }
            } else if (input != null) {
                push();
            } else if (ended) {
                operation = EncoderJNI.Operation.FINISH;
                finishPushed = true;
                encoder.push(operation, 0);
            } else if (flushPending) {
                flushPending = false;
                operation = EncoderJNI.Operation.FLUSH;
                encoder.push(operation, 0);
            } else {
                return null;
            }
        }
        return null;
    }

    private void push() {
        int n = NativeBuffers.fill(encoder.getInputBuffer(), input);
        if (!input.hasRemaining()) {
            input = null;
        }
        operation = EncoderJNI.Operation.PROCESS;
        encoder.push(operation, n);
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
            pending = null;
            encoder.destroy();
        }
    }
}
