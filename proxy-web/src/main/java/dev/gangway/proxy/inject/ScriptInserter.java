package dev.gangway.proxy.inject;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Inserts the script tags into a plain (decoded) HTML body where {@link HtmlTagScanner} says, once. Bytes are passed
 * on as slices of the input as soon as they cannot belong to a tag still being recognised; only the few bytes of a
 * possible {@code <body} or {@code </html} that straddles two input buffers are copied and held back. Once the tags
 * are in, the rest of the body is passed through without looking at it.
 */
final class ScriptInserter implements BodyStage {

    private final InjectedScripts scripts;
    private final HtmlTagScanner scanner = new HtmlTagScanner();
    private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>(4);

    private ByteBuffer input;
    /** Index in {@link #input} of the first byte not yet passed on or held. */
    private int emitFrom;
    /** Index in {@link #input} of the next byte to scan. */
    private int scanPos;
    private boolean scanning = true;
    /** The scripts are in, or will never be (not an ASCII-compatible document): nothing is added at the end. */
    private boolean settled;
    private boolean holding;
    /** Where the hold began in {@link #input}; its first byte when it began in an earlier buffer. */
    private int holdStart;
    /** Held bytes from earlier input buffers; they precede everything in {@link #input}. */
    private byte[] heldBefore;
    private boolean ended;
    private boolean finished;

    ScriptInserter(InjectedScripts scripts) {
        this.scripts = scripts;
    }

    @Override
    public void offer(ByteBuffer buffer) {
        if (!needsInput()) {
            throw new IllegalStateException("offer() while the previous input is still in use or after the end");
        }
        if (buffer.hasRemaining()) {
            input = buffer;
            emitFrom = buffer.position();
            scanPos = emitFrom;
            holdStart = emitFrom;
        }
    }

    @Override
    public void endOfInput() {
        ended = true;
    }

    @Override
    public ByteBuffer poll() {
        while (true) {
            ByteBuffer next = ready.poll();
            if (next != null) {
                return next;
            }
            if (input != null) {
                if (scanning) {
                    scan();
                } else {
                    passThrough();
                }
            } else if (ended && !finished) {
                finish();
            } else {
                return null;
            }
        }
    }

    private void passThrough() {
        int end = Math.min(input.limit(), emitFrom + MAX_OUTPUT);
        emitUpTo(end);
        if (end == input.limit()) {
            input = null;
        }
    }

    private void scan() {
        int limit = Math.min(input.limit(), emitFrom + MAX_OUTPUT);
        while (scanPos < limit) {
            int action = scanner.feed(input.get(scanPos));
            switch (action) {
                case HtmlTagScanner.HOLD:
                    releaseHeldBefore();
                    holding = true;
                    holdStart = scanPos;
                    break;
                case HtmlTagScanner.RELEASE:
                    releaseHeldBefore();
                    holding = false;
                    break;
                case HtmlTagScanner.INSERT_BEFORE_HOLD:
                    emitUpTo(holdStart);
                    enqueue(scripts.inNewHead());
                    releaseHeldBefore();
                    holding = false;
                    stopScanning();
                    scanPos++;
                    return;
                case HtmlTagScanner.INSERT_AFTER:
                    scanPos++;
                    emitUpTo(scanPos);
                    enqueue(scripts.tags());
                    stopScanning();
                    return;
                case HtmlTagScanner.DISABLE:
                    releaseHeldBefore();
                    holding = false;
                    // Nothing is inserted at the end either: appending ASCII to UTF-16 would only corrupt the page.
                    stopScanning();
                    scanPos++;
                    return;
                default:
                    break;
            }
            scanPos++;
        }
        if (!holding) {
            emitUpTo(scanPos);
        } else {
            emitUpTo(holdStart);
        }
        if (scanPos == input.limit()) {
            if (holding) {
                heldBefore = concat(heldBefore, input, emitFrom, scanPos);
            }
            input = null;
        }
    }

    private void stopScanning() {
        scanning = false;
        settled = true;
    }

    /** Many specs can make more than one output piece's worth of tags. */
    private void enqueue(ByteBuffer bytes) {
        while (bytes.remaining() > MAX_OUTPUT) {
            ready.add(bytes.slice(bytes.position(), MAX_OUTPUT));
            bytes.position(bytes.position() + MAX_OUTPUT);
        }
        ready.add(bytes);
    }

    private void emitUpTo(int end) {
        if (end > emitFrom) {
            ready.add(slice(emitFrom, end));
            emitFrom = end;
        }
    }

    /** Bytes held over from earlier buffers go out before anything of the current one, which is still unsent. */
    private void releaseHeldBefore() {
        if (heldBefore != null) {
            ready.add(ByteBuffer.wrap(heldBefore));
            heldBefore = null;
        }
    }

    private void finish() {
        releaseHeldBefore();
        if (!settled) {
            // No head, body or </html> anywhere: the scripts go at the end, as in Preevy.
            enqueue(scripts.inNewHead());
            settled = true;
        }
        finished = true;
    }

    private ByteBuffer slice(int from, int to) {
        return input.duplicate().limit(to).position(from).slice();
    }

    private static byte[] concat(byte[] before, ByteBuffer buffer, int from, int to) {
        int previous = before == null ? 0 : before.length;
        byte[] joined = new byte[previous + to - from];
        if (before != null) {
            System.arraycopy(before, 0, joined, 0, previous);
        }
        buffer.duplicate().limit(to).position(from).get(joined, previous, to - from);
        return joined;
    }

    @Override
    public boolean needsInput() {
        // Queued pieces may be slices of the last input buffer: it is only let go once they are all polled.
        return input == null && ready.isEmpty() && !ended;
    }

    @Override
    public boolean isFinished() {
        return finished && ready.isEmpty();
    }

    @Override
    public void close() {
        input = null;
        ready.clear();
    }
}
