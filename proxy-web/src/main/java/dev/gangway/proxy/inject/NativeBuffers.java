package dev.gangway.proxy.inject;

import java.nio.ByteBuffer;

/** Moving bytes in and out of brotli4j's native buffers. */
final class NativeBuffers {

    private NativeBuffers() {
    }

    /** The next piece, at most {@link BodyTransformer#MAX_OUTPUT} bytes, of a native output view. */
    static ByteBuffer take(ByteBuffer pending) {
        int n = Math.min(pending.remaining(), BodyTransformer.MAX_OUTPUT);
        ByteBuffer piece = pending.duplicate();
        piece.limit(piece.position() + n);
        pending.position(pending.position() + n);
        return piece;
    }

    /**
     * Copies as much of {@code input} as fits into a native input buffer, from its start.
     *
     * @return the number of bytes copied, to push
     */
    static int fill(ByteBuffer nativeInput, ByteBuffer input) {
        nativeInput.clear();
        int n = Math.min(nativeInput.remaining(), input.remaining());
        nativeInput.put(input.duplicate().limit(input.position() + n));
        input.position(input.position() + n);
        return n;
    }
}
