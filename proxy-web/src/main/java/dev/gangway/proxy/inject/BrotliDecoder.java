package dev.gangway.proxy.inject;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Decodes a br body with brotli4j's push/pull JNI wrapper. Output is taken as soon as the decoder has any (not
 * only when its window is full), so a streamed page flows on; each piece handed out is at most
 * {@link BodyTransformer#MAX_OUTPUT} bytes, a view of the decoder's native window, whose size (at most 16 MiB) the
 * service's encoder chose. Bytes after the end of the brotli stream are rejected by the library when they arrive
 * with its last bytes and dropped when they arrive later. An empty body is an empty page.
 */
final class BrotliDecoder implements BodyStage {

    private final DecoderJNI.Wrapper decoder;
    private ByteBuffer input;
    /** Decoded bytes not yet handed out: a view of native memory, valid until the decoder is next called. */
    private ByteBuffer pending;
    private boolean pushedAny;
    /**
     * The last call was a pull. After a pull the wrapper reports "needs more input" whenever the pushed bytes are
     * all consumed, even when the decoder still has work from them (a long run of repeated bytes): a push of
     * nothing tells which it is.
     */
    private boolean pulledLast;
    private boolean ended;
    private boolean finished;
    private boolean closed;

    BrotliDecoder() throws IOException {
        decoder = new DecoderJNI.Wrapper(MAX_OUTPUT);
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
    public ByteBuffer poll() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        while (!finished) {
            if (pending != null && pending.hasRemaining()) {
                return NativeBuffers.take(pending);
            }
            pending = null;
            switch (decoder.getStatus()) {
                case NEEDS_MORE_OUTPUT -> pull();
                case OK -> pushNothing();
                case NEEDS_MORE_INPUT -> {
                    if (decoder.hasOutput()) {
                        pull();
                    } else if (pulledLast) {
                        pushNothing();
                    } else if (input != null) {
                        push();
                    } else if (ended && pushedAny) {
                        throw corrupt("it ends in the middle of the compressed data (truncated)");
                    } else if (ended) {
                        finished = true;
                    } else {
                        return null;
                    }
                }
                case DONE -> {
                    if (input != null) {
                        input.position(input.limit());
                        input = null;
                    }
                    if (!ended) {
                        return null;
                    }
                    finished = true;
                }
                default -> throw corrupt("the brotli decoder rejected it");
            }
        }
        return null;
    }

    private void pull() {
        pending = decoder.pull();
        pulledLast = true;
    }

    private void pushNothing() {
        pulledLast = false;
        decoder.push(0);
    }

    private void push() {
        int n = NativeBuffers.fill(decoder.getInputBuffer(), input);
        if (!input.hasRemaining()) {
            input = null;
        }
        pushedAny = true;
        pulledLast = false;
        decoder.push(n);
    }

    private static IOException corrupt(String problem) {
        return new IOException("The service's br-encoded body is corrupt: " + problem);
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
            decoder.destroy();
        }
    }
}
