package dev.gangway.proxy.inject;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Two stages, the output of the first fed to the second. Pulling drives both: the first is polled only when the
 * second has let go of its previous input, which keeps the "valid until the next call" promise of each poll and
 * keeps at most one buffer in flight between them.
 */
final class ChainedStage implements BodyStage {

    private final BodyStage first;
    private final BodyStage second;
    private boolean secondEnded;
    /** Nothing reached the second stage since its last flush (or ever): flushing again would only add overhead. */
    private boolean flushed = true;

    ChainedStage(BodyStage first, BodyStage second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public void offer(ByteBuffer input) {
        first.offer(input);
    }

    @Override
    public void endOfInput() {
        first.endOfInput();
    }

    @Override
    public ByteBuffer poll() throws IOException {
        while (true) {
            ByteBuffer out = second.poll();
            if (out != null) {
                return out;
            }
            if (second.isFinished()) {
                return null;
            }
            ByteBuffer middle = first.poll();
            if (middle != null) {
                second.offer(middle);
                flushed = false;
            } else if (first.isFinished()) {
                if (secondEnded) {
                    throw new IllegalStateException("the second stage ended but is neither finished nor producing");
                }
                secondEnded = true;
                second.endOfInput();
            } else if (!flushed) {
                // The service has sent nothing more for now: what the visitor can be given, it gets now, so pages
                // that stream render progressively instead of waiting for the encoder's buffer to fill.
                flushed = true;
                second.flush();
            } else {
                return null;
            }
        }
    }

    @Override
    public boolean needsInput() {
        return first.needsInput();
    }

    @Override
    public boolean isFinished() {
        return second.isFinished();
    }

    @Override
    public void close() {
        try {
            first.close();
        } finally {
            second.close();
        }
    }
}
