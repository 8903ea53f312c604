package dev.gangway.connector.tls;

import dev.gangway.connector.net.AcceptLoop;
import dev.gangway.connector.net.DirectBufferPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The public TLS port: reads each connection's ClientHello and sends it to the SSH server (TLS terminated here) or,
 * untouched, to the web tier's https listener. {@link #start()} binds or fails; {@link #stop()} releases everything
 * {@code start()} made.
 *
 * <p>Threads: its own {@link AsynchronousChannelGroup} on a small fixed pool named {@code gangway-tls-*}, created in
 * {@code start()} and shut down in {@code stop()}, so a redeploy leaves no thread behind. Not the container's
 * WorkManager: a channel group parks its threads in the completion loop for its whole life, which WorkManager work is
 * not meant for. Not MINA's pool either: the HTTPS splice must keep moving when SSH is busy, and the other way round.
 * SSH over TLS runs its TLS records and MINA's packet handling on these threads (MINA's completion handlers run where
 * the channel's I/O completes), hence one thread per core. Handshake deadlines are the channels' own read timeouts;
 * one timer thread ends HTTPS connections whose visitor lingers after the https listener closed. Accepting is
 * {@link AcceptLoop}'s, as on the peer port.
 */
public final class TlsFrontDoor {

    private static final long STOP_WAIT_SECONDS = 5;
    private static final int BACKLOG = 1024;
    /** Per direction of an HTTPS splice; the size of one full TLS record, so a record moves in one read. */
    private static final int SPLICE_BUFFER_BYTES = 16 * 1024;
    /** Buffers kept between connections: 4 MiB at most, however many connections came and went. */
    private static final int RETAINED_BUFFERS = 256;

    private final TlsSettings settings;
    private final TlsSources sources;
    private final SshHandoff ssh;
    private final TlsEvents events;

    private AsynchronousChannelGroup group;
    private ScheduledExecutorService timer;
    private AsynchronousServerSocketChannel listener;
    private FrontDoorContext context;
    private Duration halfCloseLinger = Duration.ofSeconds(30);

    public TlsFrontDoor(TlsSettings settings, TlsSources sources, SshHandoff ssh, TlsEvents events) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.ssh = Objects.requireNonNull(ssh, "ssh");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** @throws IOException naming the address when the port cannot be bound */
    public synchronized void start() throws IOException {
        if (group != null) {
            throw new IllegalStateException("the TLS front door is already started");
        }
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), settings.port());
        try {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            group = AsynchronousChannelGroup.withFixedThreadPool(threads, named("gangway-tls-", true));
            ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, named("gangway-tls-timer", false));
            timerPool.setRemoveOnCancelPolicy(true); // a linger cancelled by an early close goes at once
            timer = timerPool;
            context = FrontDoorContext.of(settings, group, sources, ssh, events,
                    new DirectBufferPool(SPLICE_BUFFER_BYTES, RETAINED_BUFFERS), timer, halfCloseLinger);
            listener = AsynchronousServerSocketChannel.open(group);
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, BACKLOG);
            accept();
        } catch (IOException | RuntimeException e) {
            release();
            throw new IOException("TLS front door could not listen on " + address + ": " + e.getMessage(), e);
        }
        TlsLogger.LOG.started(String.valueOf(listener.getLocalAddress()), context.rule().describe(),
                describeBackend(), settings.sslContextName());
    }

    /**
     * How long an HTTPS visitor may keep its side open after the https listener closed the connection (the response
     * is delivered, the backend reads nothing more), before the front door closes it; tests shorten it.
     */
    synchronized void halfCloseLinger(Duration linger) {
        this.halfCloseLinger = linger;
    }

    /** Closes the listener and every connection it made, then its threads. Idempotent. */
    public synchronized void stop() {
        if (group == null) {
            return;
        }
        release();
        TlsLogger.LOG.stopped();
    }

    /** Splice buffers kept for reuse now (tests see connections end by their buffers coming back). */
    synchronized int pooledBuffers() {
        return context == null ? 0 : context.buffers().pooled();
    }

    /** The bound port (the real one when the settings asked for 0). */
    public synchronized int port() {
        if (listener == null) {
            throw new IllegalStateException("the TLS front door is not started");
        }
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("the TLS front door's listener is closed", e);
        }
    }

    private void accept() {
        FrontDoorContext current = context;
        AcceptLoop.start(listener, visitor -> new IncomingConnection(current, visitor).start(),
                e -> TlsLogger.CLIENT.acceptFailed(String.valueOf(e)));
    }

    private String describeBackend() {
        try {
            return sources.httpsBackend() + " (socket binding " + settings.httpsSocketBinding() + ")";
        } catch (RuntimeException e) {
            return "socket binding " + settings.httpsSocketBinding() + " (not available yet: " + e.getMessage() + ")";
        }
    }

    private void release() {
        if (listener != null) {
            try {
                listener.close();
            } catch (IOException e) {
                TlsLogger.LOG.stopIncomplete("closing the listener", e);
            }
            listener = null;
        }
        if (timer != null) {
            timer.shutdownNow();
            await(timer, "the gangway-tls-timer thread");
            timer = null;
        }
        if (group != null) {
            try {
                group.shutdownNow(); // closes every open channel of the group, visitors and backends alike
                if (!group.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    TlsLogger.LOG.stopIncomplete("the gangway-tls threads did not end within " + STOP_WAIT_SECONDS + " s", null);
                }
            } catch (IOException e) {
                TlsLogger.LOG.stopIncomplete("closing the connections", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                TlsLogger.LOG.stopIncomplete("interrupted while waiting for the gangway-tls threads", e);
            }
            group = null;
        }
        context = null;
    }

    private static void await(ScheduledExecutorService executor, String what) {
        try {
            if (!executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                TlsLogger.LOG.stopIncomplete(what + " did not end within " + STOP_WAIT_SECONDS + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            TlsLogger.LOG.stopIncomplete("interrupted while waiting for " + what, e);
        }
    }

    private static ThreadFactory named(String name, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, numbered ? name + count.incrementAndGet() : name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
