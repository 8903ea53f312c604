package dev.gangway.connector.ssh;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes one connection every interval and closes it after too many probes in a row went unanswered, like
 * OpenSSH's {@code ClientAliveInterval}/{@code ClientAliveCountMax}.
 *
 * <p>Why not MINA's server heartbeat: on the server side it only sends {@code SSH_MSG_IGNORE}, which the peer never
 * answers, so a silent (frozen, or cut off without a FIN) client would hold its tunnel names forever.
 */
final class KeepaliveMonitor {

    private final TunnelSession owner;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final int maxMissed;
    /** Probes sent since the last answer. */
    private final AtomicInteger unanswered = new AtomicInteger();
    private ScheduledFuture<?> task;

    KeepaliveMonitor(TunnelSession owner, ScheduledExecutorService timer, Duration interval, int maxMissed) {
        this.owner = owner;
        this.timer = timer;
        this.interval = interval;
        this.maxMissed = maxMissed;
    }

    synchronized void start() {
        if (task == null && !interval.isZero() && !interval.isNegative()) {
            long millis = interval.toMillis();
            task = timer.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void tick() {
        if (!owner.isOpen()) {
            stop();
            return;
        }
        if (unanswered.get() >= maxMissed) {
            SshLogger.CLIENT.keepaliveTimeout(owner.clientId(), owner.envId(), maxMissed);
            stop();
            owner.closeNow("no answer to " + maxMissed + " keepalive probes");
            return;
        }
        unanswered.incrementAndGet();
        owner.sendKeepalive(() -> unanswered.set(0));
    }
}
