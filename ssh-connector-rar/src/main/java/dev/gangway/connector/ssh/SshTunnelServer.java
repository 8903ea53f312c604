package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.TunnelRegistry;
import jakarta.json.spi.JsonProvider;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;

import java.io.IOException;
import java.nio.channels.AsynchronousSocketChannel;
import java.security.KeyPair;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SSH server the resource adapter hosts: clients log in with a public key, register named tunnels and answer
 * the channels the server opens for visitors. {@link #start()} binds or fails; {@link #stop()} releases everything
 * {@code start()} made.
 *
 * <p>Threads: the server creates and owns every thread MINA runs on, named {@code gangway-ssh-*}: the NIO2 I/O pool
 * (an {@link java.nio.channels.AsynchronousChannelGroup} keeps its threads for its whole life, so a container
 * WorkManager, meant for bounded units of work, does not fit), the pool MINA resumes suspended reads on, and one
 * timer for keepalives and MINA's timeouts. They are created in {@code start()} and shut down in {@code stop()}, so a
 * redeploy leaves no thread behind.
 */
public final class SshTunnelServer {

    private static final long STOP_WAIT_SECONDS = 5;
    /** How long a stop waits for its disconnect messages to reach the clients before it closes what is left. */
    private static final long DISCONNECT_WAIT_MILLIS = 2000;

    private final SshSettings settings;
    private final TunnelRegistry registry;
    private final KeyAuthorityGate keyAuthority;
    private final LiveSessions sessions;

    private SshServer server;
    private volatile AdoptingNio2Acceptor acceptor;
    private ScheduledExecutorService timer;
    private final List<ExecutorService> ioPools = new CopyOnWriteArrayList<>();

    /** A server with no key authority: for the modes that need none (authMode sso then refuses every key). */
    public SshTunnelServer(SshSettings settings, TunnelRegistry registry) {
        this(settings, registry, new KeyAuthorityGate(new KeyAuthorityRegistration(), KeyAuthorityGate.DEFAULT_TIMEOUT));
    }

    public SshTunnelServer(SshSettings settings, TunnelRegistry registry, KeyAuthorityGate keyAuthority) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.keyAuthority = Objects.requireNonNull(keyAuthority, "keyAuthority");
        this.sessions = new LiveSessions(keyAuthority.timeout());
    }

    /** Revokes every connection logged in with this key ({@code SHA256:…}); see {@link TunnelSession#revoke}. */
    public int disconnectKey(String fingerprint, String reason) {
        return sessions.revokeKey(Objects.requireNonNull(fingerprint, "fingerprint"), reason);
    }

    /** Revokes every connection whose key belongs to the owner with this subject. */
    public int disconnectOwner(String subject, String reason) {
        return sessions.revokeOwner(Objects.requireNonNull(subject, "subject"), reason);
    }

    public TunnelRegistry registry() {
        return registry;
    }

    /**
     * Loads (or creates) the host key, checks the client-key source and binds the listener.
     *
     * @throws IOException with a message naming what is wrong (host key file, authorized keys file, address in use)
     */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the SSH tunnel server is already started");
        }
        // MINA finds its security providers and I/O factories through the context class loader; inside WildFly
        // that must be the adapter's own loader, which holds MINA and the EdDSA provider.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(SshTunnelServer.class.getClassLoader());
        try {
            EdDsaProvider.keepPrivate();
            KeyPair hostKey = HostKeys.loadOrCreate(settings.hostKeyFile());
            ClientKeyAuthenticator authenticator = ClientKeyAuthenticator.forSettings(settings);
            ExecCommands commands = new ExecCommands(registry, settings.baseUrl(), settings.takeoverCheckTimeout(),
                    JsonProvider.provider());
            timer = Executors.newSingleThreadScheduledExecutor(named("gangway-ssh-timer"));
            server = SshServerAssembly.assemble(settings, registry, hostKey, authenticator, keyAuthority, sessions,
                    commands, timer, ioPoolFactory(), created -> acceptor = created);
            server.start();
            SshLogger.LOG.started(settings.bindAddress(), server.getPort(), HostKeys.type(hostKey),
                    HostKeys.fingerprint(hostKey), settings.authMode().configValue());
        } catch (IOException | RuntimeException e) {
            release();
            throw new IOException("SSH tunnel server could not start on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Closes every connection (and so every tunnel and stream), the listener, then the threads. Idempotent. Logged-in
     * clients first get an SSH disconnect message saying the server is stopping, so that they reconnect (to another
     * node of a cluster, through the load balancer) at once rather than after their keepalive gives up; the stop waits
     * a moment for those messages to go out.
     */
    public synchronized void stop() {
        if (server == null && timer == null) {
            return;
        }
        disconnectAll("the Gangway server is shutting down; reconnect");
        release();
        SshLogger.LOG.stopped();
    }

    /** The port the listener is bound to (the real one when the settings asked for 0). */
    public synchronized int port() {
        if (server == null || !server.isStarted()) {
            throw new IllegalStateException("the SSH tunnel server is not started");
        }
        return server.getPort();
    }

    /**
     * Makes a connection accepted elsewhere (the TLS front door's plaintext channel) one of this server's SSH
     * sessions, with everything a session of its own listener gets.
     *
     * @throws IOException when the server is not started or is stopping; the caller closes the channel
     */
    public void adopt(AsynchronousSocketChannel channel) throws Exception {
        AdoptingNio2Acceptor current = acceptor;
        if (current == null || current.isClosing()) {
            throw new IOException("the SSH tunnel server is not started");
        }
        current.adopt(channel);
    }

    private void disconnectAll(String reason) {
        java.util.List<TunnelSession> live = sessions.snapshot();
        if (live.isEmpty()) {
            return;
        }
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(live.size());
        for (TunnelSession session : live) {
            session.session().addCloseFutureListener(done -> closed.countDown());
            session.disconnect(reason);
        }
        try {
            closed.await(DISCONNECT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        acceptor = null;
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException | RuntimeException e) {
                SshLogger.LOG.stopIncomplete("closing the SSH listener and connections", e);
            }
            server = null;
        }
        for (ExecutorService pool : ioPools) {
            shutdown(pool, "the SSH I/O threads");
        }
        ioPools.clear();
        if (timer != null) {
            shutdown(timer, "the SSH timer thread");
            timer = null;
        }
    }

    private static void shutdown(ExecutorService pool, String what) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                SshLogger.LOG.stopIncomplete(what + " did not end within " + STOP_WAIT_SECONDS + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SshLogger.LOG.stopIncomplete("interrupted while waiting for " + what + " to end", e);
        }
    }

    /**
     * MINA asks for two pools per service factory: the channel group's I/O threads, then the resume pool. Both are
     * ours (recorded to be shut down in {@code stop()}); MINA shuts them down too when it closes, which is harmless.
     */
    private Factory<CloseableExecutorService> ioPoolFactory() {
        AtomicInteger created = new AtomicInteger();
        int workers = CoreModuleProperties.NIO_WORKERS.getRequiredDefault();
        return () -> {
            String name = created.getAndIncrement() % 2 == 0 ? "gangway-ssh-io" : "gangway-ssh-resume";
            CloseableExecutorService pool = ThreadUtils.newFixedThreadPool(name, workers);
            ioPools.add(pool);
            return pool;
        };
    }

    private static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
