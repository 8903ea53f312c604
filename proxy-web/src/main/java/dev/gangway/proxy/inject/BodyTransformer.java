package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Rewrites a response body as it streams through: the caller pushes the service's body bytes in and pulls the
 * visitor's bytes out. It never blocks and never starts a thread, so it can run on an I/O thread; it holds at most
 * one input buffer and one bounded output buffer per stage, so a compression bomb cannot exhaust memory. Use it
 * from one thread at a time, and close it on every path: compressed bodies hold native zlib or brotli memory.
 *
 * <p>The loop: while {@link #poll()} returns bytes, write them to the visitor (stop and resume later if the visitor
 * is slow); when it returns {@code null}, either {@link #isFinished()} (done) or {@link #needsInput()} (read more
 * from the service, then {@link #offer} it, or call {@link #endOfInput()} when the service's body ended).
 */
public interface BodyTransformer extends AutoCloseable {

    /** Output pieces are at most this long, whatever the input: a page inflating 1000:1 still comes out in steps. */
    int MAX_OUTPUT = 16 * 1024;

    /**
     * The next de-framed body bytes from the service. Only when {@link #needsInput()}. The transformer reads from
     * the buffer's position and may keep a reference to it until {@link #needsInput()} is true again; the caller
     * must not reuse or change it before then.
     */
    void offer(ByteBuffer input);

    /** The service's body ended. Input already offered is still processed. */
    void endOfInput();

    /**
     * The next bytes for the visitor, at most {@link #MAX_OUTPUT} long; or {@code null} when the transformer needs
     * input or is finished. The piece is valid until the next {@code poll}, {@code offer} or {@code close}, and may
     * be a view of an offered input buffer (an uncompressed page passes through without copying): write it out
     * completely before reusing that buffer.
     *
     * @throws IOException when the service's compressed body is corrupt or truncated; the transformer is then
     *                     unusable and the visitor's response cannot be completed
     */
    ByteBuffer poll() throws IOException;

    /** All input offered so far was consumed, and more may come: offer the next bytes or end the input. */
    boolean needsInput();

    /** {@link #endOfInput()} was called and every output byte was polled. */
    boolean isFinished();

    /** Releases native memory (Inflater, Deflater, brotli). Idempotent; the transformer is unusable afterwards. */
    @Override
    void close();
}
