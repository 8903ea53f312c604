package dev.gangway.connector.tls;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Lets one warning through per period and counts the ones it holds back, so that a burst of identical failures (a
 * backend down while visitors keep coming) is one log line, with how many followed, rather than one per connection.
 */
public final class WarningThrottle {

    private final long periodNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public WarningThrottle(long period, TimeUnit unit) {
        this.periodNanos = unit.toNanos(period);
    }

    /** Calls {@code log} with the number held back since the last line, or counts this one as held back. */
    public void warn(LongConsumer log) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + periodNanos)) {
            log.accept(suppressed.getAndSet(0));
        } else {
            suppressed.incrementAndGet();
        }
    }
}
