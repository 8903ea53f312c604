package dev.gangway.proxy.stream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * A timeout on a visitor stream, kept on the stream's own I/O thread: an idle timeout that every transfer pushes back
 * ({@link #touch()}), or a fixed deadline that nothing pushes back.
 *
 * <p>Why not a timer entry per transfer: a stream moves many buffers a second, and rescheduling on each would cost a
 * timer-queue insert and removal every time. {@link #touch()} only notes the time; the one scheduled check looks at
 * it when it fires and, if the stream moved since, sleeps again for the time that is left. Single-threaded: call
 * everything on the I/O thread given at construction.
 */
public final class StreamTimer {

    private final XnioIoThread ioThread;
    private final long timeoutNanos;
    private final boolean idle;
    private final Runnable onExpiry;

    private long lastActivity;
    private XnioExecutor.Key pending;
    private boolean stopped;

    private StreamTimer(XnioIoThread ioThread, Duration timeout, boolean idle, Runnable onExpiry) {
        this.ioThread = ioThread;
        this.timeoutNanos = timeout.toNanos();
        this.idle = idle;
        this.onExpiry = onExpiry;
    }

    /** Fires {@code onExpiry} once the stream has moved no byte for {@code timeout}; {@code ZERO} never fires. */
    public static StreamTimer idle(XnioIoThread ioThread, Duration timeout, Runnable onExpiry) {
        return new StreamTimer(ioThread, timeout, true, onExpiry);
    }

    /** Fires {@code onExpiry} {@code timeout} after {@link #start()}; {@code ZERO} never fires. */
    public static StreamTimer deadline(XnioIoThread ioThread, Duration timeout, Runnable onExpiry) {
        return new StreamTimer(ioThread, timeout, false, onExpiry);
    }

    public void start() {
        if (timeoutNanos <= 0 || stopped || pending != null) {
            return;
        }
        lastActivity = System.nanoTime();
        schedule(timeoutNanos);
    }

    /** Bytes moved: the idle clock starts again. */
    public void touch() {
        if (idle) {
            lastActivity = System.nanoTime();
        }
    }

    /** The stream ended: the timeout never fires. Idempotent. */
    public void stop() {
        stopped = true;
        if (pending != null) {
            pending.remove();
            pending = null;
        }
    }

    private void schedule(long delayNanos) {
        pending = ioThread.executeAfter(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        pending = null;
        if (stopped) {
            return;
        }
        long quiet = System.nanoTime() - lastActivity;
        if (quiet < timeoutNanos) {
            schedule(timeoutNanos - quiet);
            return;
        }
        stopped = true;
        onExpiry.run();
    }
}
