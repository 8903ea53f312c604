package dev.gangway.connector.peer;

import dev.gangway.connector.net.AcceptLoop;
import dev.gangway.connector.net.Channels;
import dev.gangway.connector.net.DirectBufferPool;
import dev.gangway.connector.tls.WarningThrottle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-to-node port: a listener where other nodes of the cluster open streams to this node's tunnels and ask
 * about its connections, and the threads and buffers both ends of such connections use. {@link #start()} binds or
 * fails; {@link #stop()} releases everything {@code start()} made.
 *
 * <p>Threads, all named {@code gangway-peer-*} and created in {@code start()}, shut down in {@code stop()}: an
 * {@link AsynchronousChannelGroup} on one thread per core (the handshakes and the splices run on it, never blocking;
 * its own rather than the SSH server's or the TLS front door's, so that one busy kind of traffic cannot stall
 * another), and a bounded pool of workers for what must wait: opening an SSH channel (a round trip to the client that
 * {@code Tunnel.openStream} waits for), and this node's own requests to other nodes (a connect and a handshake, waited
 * for with a timeout). Workers are made on demand and let go after a short idle time; when all are busy an OPEN is
 * answered OVERLOADED rather than queued.
 */
public final class PeerPort {

    /** Per direction of a splice; 64 KiB is a full read of MINA's channel buffer in one go. */
    static final int SPLICE_BUFFER_BYTES = 64 * 1024;
    private static final int RETAINED_BUFFERS = 64;
    private static final int MAX_WORKERS = 64;
    private static final long WORKER_IDLE_SECONDS = 30;
    private static final long STOP_WAIT_SECONDS = 5;
    private static final int BACKLOG = 256;
    private static final int PRUNE_EVERY = 64;

    private final PeerSettings settings;
    private final PeerService service;
    private final PeerHandshake handshake;
    private final WarningThrottle refusals = new WarningThrottle(1, TimeUnit.MINUTES);

    /**
     * Accepted connections, so that a stop can reset them: the other nodes' streams through this one must end as
     * broken, not as a clean end of stream. Closed ones are dropped now and then, on accept.
     */
    private final Set<AsynchronousSocketChannel> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger acceptedSincePrune = new AtomicInteger();

    private AsynchronousChannelGroup group;
    private ExecutorService workers;
    private AsynchronousServerSocketChannel listener;
    private DirectBufferPool buffers;
    private String advertised;

    public PeerPort(PeerSettings settings, PeerService service) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.service = Objects.requireNonNull(service, "service");
        this.handshake = new PeerHandshake(settings.secret());
    }

    /** @throws IOException naming the address when the port cannot be bound */
    public synchronized void start() throws IOException {
        if (group != null) {
            throw new IllegalStateException("the peer port is already started");
        }
        try {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            group = AsynchronousChannelGroup.withFixedThreadPool(threads, named("gangway-peer-io-"));
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_WORKERS, WORKER_IDLE_SECONDS, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), named("gangway-peer-worker-"));
            workers = pool;
            buffers = new DirectBufferPool(SPLICE_BUFFER_BYTES, RETAINED_BUFFERS);
            listener = AsynchronousServerSocketChannel.open(group);
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(settings.bindAddress(), BACKLOG);
            advertised = advertise((InetSocketAddress) listener.getLocalAddress());
            accept();
        } catch (IOException | RuntimeException e) {
            release();
            throw new IOException("the peer port could not listen on " + settings.bindAddress() + ": " + e.getMessage(), e);
        }
        PeerLogger.LOG.started(String.valueOf(listener.getLocalAddress()), settings.nodeName(), advertised);
    }

    /** Closes the listener and every peer connection, both ends, then the threads. Idempotent. */
    public synchronized void stop() {
        if (group == null) {
            return;
        }
        release();
        PeerLogger.LOG.stopped();
    }

    /** {@code host:port} other nodes reach this port at. */
    public synchronized String advertisedAddress() {
        if (advertised == null) {
            throw new IllegalStateException("the peer port is not started");
        }
        return advertised;
    }

    /** The client end, for this node's requests to other nodes; valid while the port is started. */
    synchronized PeerClient client() {
        if (group == null) {
            throw new IllegalStateException("the peer port is not started");
        }
        return new PeerClient(group, handshake, settings.nodeName());
    }

    synchronized ExecutorService workers() {
        if (workers == null) {
            throw new IllegalStateException("the peer port is not started");
        }
        return workers;
    }

    private String advertise(InetSocketAddress bound) throws IOException {
        if (!settings.advertiseAddress().isEmpty()) {
            return settings.advertiseAddress();
        }
        if (bound.getAddress().isAnyLocalAddress()) {
            String guess = PeerAddresses.format(new InetSocketAddress(InetAddress.getLocalHost(), bound.getPort()));
            PeerLogger.LOG.wildcardAdvertised(String.valueOf(settings.bindAddress()), String.valueOf(bound), guess);
            return guess;
        }
        return PeerAddresses.format(bound);
    }

    private void accept() {
        ExecutorService pool = workers;
        DirectBufferPool pooled = buffers;
        AcceptLoop.start(listener, peer -> {
            accepted.add(peer);
            if (acceptedSincePrune.incrementAndGet() % PRUNE_EVERY == 0) {
                accepted.removeIf(channel -> !channel.isOpen());
            }
            new PeerServerConnection(peer, settings, handshake, service, pool, pooled, refusals).start();
        }, e -> PeerLogger.LOG.acceptFailed(String.valueOf(e)));
    }

    private void release() {
        if (listener != null) {
            Channels.closeQuietly(listener);
            listener = null;
        }
        accepted.forEach(Channels::abort);
        accepted.clear();
        if (workers != null) {
            workers.shutdownNow();
            await("the gangway-peer-worker threads", () -> workers.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS));
            workers = null;
        }
        if (group != null) {
            try {
                group.shutdownNow(); // closes every channel of the group: both ends of every peer connection
            } catch (IOException e) {
                PeerLogger.LOG.stopIncomplete("closing the peer connections", e);
            }
            AsynchronousChannelGroup closing = group;
            await("the gangway-peer-io threads", () -> closing.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS));
            group = null;
        }
        buffers = null;
        advertised = null;
    }

    private interface Wait {
        boolean done() throws InterruptedException;
    }

    private static void await(String what, Wait wait) {
        try {
            if (!wait.done()) {
                PeerLogger.LOG.stopIncomplete(what + " did not end within " + STOP_WAIT_SECONDS + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            PeerLogger.LOG.stopIncomplete("interrupted while waiting for " + what, e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
