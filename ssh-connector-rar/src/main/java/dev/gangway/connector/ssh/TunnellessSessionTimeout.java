package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.TunnelRegistry;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an authenticated connection that has held no tunnel for too long: one that never asked for a forward, or
 * cancelled all of them, or lost every claim. Such a connection costs a login, a keepalive and a place in the
 * registry's bookkeeping for nothing; a real tunnel client asks for its forwards right after logging in.
 *
 * <p>Checked on the SSH timer a few times per timeout rather than rescheduled on every registry change, so a
 * connection closes between one timeout and one check period after it last held a tunnel.
 */
final class TunnellessSessionTimeout {

    private static final long MAX_PERIOD_MILLIS = 15_000;
    private static final long MIN_PERIOD_MILLIS = 100;

    private final TunnelSession owner;
    private final TunnelRegistry registry;
    private final ScheduledExecutorService timer;
    private final long timeoutNanos;
    /** When the connection was last seen holding nothing, or -1 while it holds something. Timer thread only. */
    private long emptySince;
    private ScheduledFuture<?> task;

    TunnellessSessionTimeout(TunnelSession owner, TunnelRegistry registry, ScheduledExecutorService timer,
                             Duration timeout) {
        this.owner = owner;
        this.registry = registry;
        this.timer = timer;
        this.timeoutNanos = timeout.toNanos();
    }

    synchronized void start() {
        if (task != null || timeoutNanos <= 0) {
            return;
        }
        emptySince = System.nanoTime();
        long period = Math.max(MIN_PERIOD_MILLIS, Math.min(MAX_PERIOD_MILLIS, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4));
        task = timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void check() {
        if (!owner.isOpen()) {
            stop();
            return;
        }
        if (!registry.holdsNothing(owner)) {
            emptySince = -1;
            return;
        }
        long now = System.nanoTime();
        if (emptySince < 0) {
            emptySince = now;
        } else if (now - emptySince >= timeoutNanos) {
            stop();
            owner.closeNow("it held no tunnel for " + Duration.ofNanos(timeoutNanos).toSeconds()
                    + " s (tunnellessSessionTimeoutSeconds)");
        }
    }
}
