package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The pipeline as handed to the caller: after a failure every poll reports the same failure, and after
 * {@link #close()} nothing works any more, so a misuse shows at once instead of touching freed native memory.
 */
final class GuardedTransformer implements BodyTransformer {

    private final BodyStage pipeline;
    private IOException failure;
    private boolean closed;

    GuardedTransformer(BodyStage pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void offer(ByteBuffer input) {
        checkOpen();
        pipeline.offer(input);
    }

    @Override
    public void endOfInput() {
        checkOpen();
        pipeline.endOfInput();
    }

    @Override
    public ByteBuffer poll() throws IOException {
        checkOpen();
        if (failure != null) {
            throw failure;
        }
        try {
            return pipeline.poll();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public boolean needsInput() {
        return !closed && failure == null && pipeline.needsInput();
    }

    @Override
    public boolean isFinished() {
        return !closed && failure == null && pipeline.isFinished();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pipeline.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the body transformer is closed");
        }
    }
}
