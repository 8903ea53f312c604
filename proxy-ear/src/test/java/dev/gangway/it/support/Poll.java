package dev.gangway.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Bounded polling: waits for a condition instead of sleeping a guessed time. */
public final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    /**
     * Calls {@code probe} every 50 ms until its result satisfies {@code done} and returns that result; fails with
     * {@code what} and the last result seen once {@code timeout} has passed.
     */
    public static <T> T until(Duration timeout, String what, Callable<T> probe, Predicate<? super T> done)
            throws Exception {
        return until(timeout, INTERVAL, what, probe, done);
    }

    /** As {@link #until(Duration, String, Callable, Predicate)}, for probes too costly to run every 50 ms. */
    public static <T> T until(Duration timeout, Duration interval, String what, Callable<T> probe,
                              Predicate<? super T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T last = probe.call();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not " + what + " within " + timeout + "; last seen: " + last);
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
