package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.stats.TunnelStatistics;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One SSH connection that holds tunnels, as the registry sees it. The SSH side implements it; the registry compares
 * owners by identity.
 *
 * <p>Contract the registry relies on: {@link #isOpen()} turns false before the SSH side calls
 * {@link TunnelRegistry#unregisterAll(TunnelOwner)}, so that a forward still being decided when the connection
 * closes is refused instead of outliving it. No method blocks on the network.
 */
public interface TunnelOwner {

    /** Derived from the connection's public key ({@link ClientIds}). */
    String clientId();

    /** The SSH user name the client logged in with: a label only. */
    String envId();

    /** The fingerprint of the key the connection logged in with, {@code SHA256:…} as {@code ssh-keygen -l} prints it. */
    String keyFingerprint();

    /** That key as an OpenSSH public key line without comment ({@code ssh-ed25519 AAAA…}). */
    String publicKeyLine();

    /** Whom that key belongs to in authMode {@code sso}; {@code null} in the other modes. */
    KeyOwner keyOwner();

    boolean isOpen();

    /** The SSH client's address as this server saw it connect, {@code host:port}: for the audit log. */
    String remoteAddress();

    /**
     * Why the server closed this connection ({@link #closeNow}, a revocation), for the audit log; {@code null} while
     * it is open and when the client or the network ended it.
     */
    String closedBecause();

    /**
     * A round trip the peer must answer (for instance a global request with want-reply). Completes {@code true} if
     * the answer came within {@code timeout}, {@code false} otherwise (also when the connection is already closed);
     * never exceptionally.
     */
    CompletionStage<Boolean> probeAlive(Duration timeout);

    /**
     * Closes the connection at once, without waiting for the peer (a frozen peer never sends its FIN), and with it
     * every tunnel and visitor stream it carries. {@code reason} is for the log and, if possible, the client.
     */
    void closeNow(String reason);

    /**
     * Ends the connection with an SSH disconnect message carrying {@code reason}, so that the client knows why and
     * reconnects (a node stopping, a name lost to a connection on another node). The tunnels leave the registry when
     * the connection closes. By default the immediate close.
     */
    default void disconnect(String reason) {
        closeNow(reason);
    }

    /**
     * Opens one channel to the client for {@code request}: {@code forwarded-streamlocal@openssh.com} or
     * {@code forwarded-tcpip} carrying the request string. Blocks until the client answers or the timeout passes.
     * The channel and the bytes it moves are counted in {@code statistics}, the tunnel's counters.
     *
     * @throws TunnelException REFUSED_BY_CLIENT, TIMEOUT or UNAVAILABLE
     */
    TunnelStream openStream(TunnelRequest request, Duration timeout, TunnelStatistics statistics)
            throws TunnelException;
}
