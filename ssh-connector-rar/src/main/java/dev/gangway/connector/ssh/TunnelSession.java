package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.stats.TunnelStatistics;
import dev.gangway.connector.tunnel.TunnelOwner;
import dev.gangway.connector.tunnel.TunnelRegistry;
import dev.gangway.connector.tunnel.TunnelRequest;
import dev.gangway.connector.tunnel.TunnelStream;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authenticated SSH connection as the tunnel registry sees it ({@link TunnelOwner}): who it is, whether it is
 * alive, and how to open a channel to it. Attached to its MINA session from authentication to close.
 */
final class TunnelSession implements TunnelOwner {

    private static final AttributeKey<TunnelSession> ATTRIBUTE = new AttributeKey<>();
    private static final String KEEPALIVE = "keepalive@openssh.com";

    private final Session session;
    private final String clientId;
    private final String envId;
    private final SessionKey key;
    private final String publicKeyLine;
    private final TunnelRegistry registry;
    private final ScheduledExecutorService timer;
    private final GlobalReplyQueue replies;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final KeepaliveMonitor keepalive;
    private final TunnellessSessionTimeout tunnelless;
    private final String remoteAddress;
    /** The first reason the server gave for closing the connection; stays null when the client ends it. */
    private final AtomicReference<String> closedBecause = new AtomicReference<>();

    TunnelSession(Session session, String clientId, String envId, SessionKey key, ScheduledExecutorService timer,
                  SshSettings settings, TunnelRegistry registry) {
        this.session = session;
        this.clientId = clientId;
        this.envId = envId;
        this.key = key;
        // Computed once: every tunnel of the session carries it (private tunnels verify owner JWTs against it).
        this.publicKeyLine = KeyFingerprints.openSshLine(key.key());
        this.registry = registry;
        this.timer = timer;
        this.replies = new GlobalReplyQueue(session, () -> clientId);
        this.keepalive = new KeepaliveMonitor(this, timer, settings.keepaliveInterval(), settings.keepaliveMaxMissed());
        this.tunnelless = new TunnellessSessionTimeout(this, registry, timer, settings.tunnellessTimeout());
        // Kept from the start: MINA's session may no longer know its peer once it closes, and the close is audited.
        this.remoteAddress = SocketAddresses.hostPort(session.getIoSession().getRemoteAddress());
    }

    /** The tunnel session attached to an authenticated MINA session, or {@code null} before authentication. */
    static TunnelSession of(Session session) {
        return session.getAttribute(ATTRIBUTE);
    }

    void attach() {
        session.setAttribute(ATTRIBUTE, this);
        keepalive.start();
        tunnelless.start();
    }

    /** The MINA session is closing: from now on {@link #isOpen()} is false (before the registry drops the tunnels). */
    void markClosed() {
        closed.set(true);
        keepalive.stop();
        tunnelless.stop();
    }

    Session session() {
        return session;
    }

    GlobalReplyQueue replies() {
        return replies;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public String envId() {
        return envId;
    }

    SessionKey key() {
        return key;
    }

    @Override
    public String keyFingerprint() {
        return key.fingerprint();
    }

    @Override
    public String publicKeyLine() {
        return publicKeyLine;
    }

    @Override
    public KeyOwner keyOwner() {
        return key.owner();
    }

    /**
     * Ends the connection because its key was revoked (or its owner lost access): the tunnels leave the registry
     * before this returns, so no visitor reaches them any more, and the client gets an SSH disconnect message naming
     * {@code reason}. MINA closes the connection once the message is written, or after its disconnect timeout if the
     * peer does not take it.
     */
    void revoke(String reason) {
        closedBecause.compareAndSet(null, reason);
        int tunnels = registry.tunnelsOf(this).size();
        markClosed();
        registry.unregisterAll(this);
        KeyAuthLogger.LOG.disconnected(clientId, envId, key.fingerprint(),
                key.owner() == null ? "-" : key.owner().displayName() + " (" + key.owner().subject() + ")",
                tunnels, reason);
        sendDisconnect(reason);
    }

    /**
     * Ends the connection with an SSH disconnect message naming {@code reason} (a stopping node, a name lost to a
     * connection on another node): the tunnels leave the registry before this returns, and the client knows why and
     * reconnects at once.
     */
    @Override
    public void disconnect(String reason) {
        markClosed();
        registry.unregisterAll(this);
        SshLogger.CLIENT.closingSession(clientId, envId, reason);
        sendDisconnect(reason);
    }

    /** MINA closes the connection once the message is written, or after its disconnect timeout. */
    private void sendDisconnect(String reason) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, reason);
        } catch (IOException | RuntimeException e) {
            session.close(true); // the message could not be sent: the connection goes without it
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && session.isOpen();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String closedBecause() {
        return closedBecause.get();
    }

    @Override
    public CompletionStage<Boolean> probeAlive(Duration timeout) {
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        if (!sendKeepalive(() -> answered.complete(true))) {
            answered.complete(false);
            return answered;
        }
        ScheduledFuture<?> expiry = timer.schedule(() -> answered.complete(false), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        answered.whenComplete((alive, failure) -> expiry.cancel(false));
        return answered;
    }

    /**
     * Sends {@code keepalive@openssh.com} with want-reply. Any answer counts, failure included: OpenSSH answers
     * requests it does not know with a failure, and that round trip is what proves the peer alive.
     *
     * @return whether the request went out
     */
    boolean sendKeepalive(Runnable onAnswer) {
        if (!isOpen()) {
            return false;
        }
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, KEEPALIVE.length() + 16);
        buffer.putString(KEEPALIVE);
        buffer.putBoolean(true);
        try {
            session.request(buffer, KEEPALIVE, (cmd, reply) -> onAnswer.run());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void closeNow(String reason) {
        closedBecause.compareAndSet(null, reason);
        SshLogger.CLIENT.closingSession(clientId, envId, reason);
        // Immediate: a frozen peer would never acknowledge a graceful disconnect.
        session.close(true);
    }

    @Override
    public TunnelStream openStream(TunnelRequest request, Duration timeout, TunnelStatistics statistics)
            throws TunnelException {
        if (!isOpen()) {
            throw unavailable(request, null);
        }
        ConnectionService service = session.getService(ConnectionService.class);
        if (service == null) {
            throw unavailable(request, null);
        }
        ForwardedChannel channel = new ForwardedChannel(request);
        OpenFuture opening;
        try {
            service.registerChannel(channel);
            // Counted from registration to close, not from the client's confirmation: a channel whose open timed
            // out stays registered until the client answers or the session ends, and a leak check must see it.
            statistics.channelRegistered();
            channel.addCloseFutureListener(closed -> statistics.channelClosed());
            opening = channel.open();
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            throw unavailable(request, e);
        }
        boolean answered;
        try {
            answered = opening.await(timeout.toMillis());
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            opening.cancel();
            throw new TunnelException(TunnelException.Reason.UNAVAILABLE,
                    "interrupted while opening a channel to client " + clientId, e);
        } catch (IOException e) {
            opening.cancel();
            throw unavailable(request, e);
        }
        if (!answered) {
            // Cancelled rather than closed: the client may still confirm, and MINA then closes the channel properly;
            // closing now would leave the client's confirmation pointing at an unknown channel.
            opening.cancel();
            throw new TunnelException(TunnelException.Reason.TIMEOUT, "client " + clientId
                    + " did not answer the channel open for " + request.requestString() + " within " + timeout);
        }
        Throwable failure = opening.getException();
        if (failure instanceof SshChannelOpenException) {
            SshLogger.CLIENT.channelRefused(clientId, request.requestString(), failure.getMessage());
            throw new TunnelException(TunnelException.Reason.REFUSED_BY_CLIENT, "the SSH client " + clientId
                    + " refused the channel for " + request.requestString() + " (" + failure.getMessage()
                    + "); the service behind the tunnel is probably down", failure);
        }
        if (failure != null || !opening.isOpened()) {
            channel.close(true);
            throw unavailable(request, failure);
        }
        statistics.channelOpened();
        return new ChannelTunnelStream(channel, statistics);
    }

    private TunnelException unavailable(TunnelRequest request, Throwable cause) {
        return new TunnelException(TunnelException.Reason.UNAVAILABLE, "the SSH connection of client " + clientId
                + " holding " + request.requestString() + " is closed", cause);
    }

    @Override
    public String toString() {
        return "SSH connection of client " + clientId + " (user " + envId + ", " + session.getIoSession()
                .getRemoteAddress() + ")";
    }
}
