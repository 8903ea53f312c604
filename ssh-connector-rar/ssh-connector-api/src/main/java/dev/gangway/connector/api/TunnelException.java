package dev.gangway.connector.api;

/**
 * A tunnel could not carry a visitor's exchange. The {@link Reason} says why, so that the web tier chooses the
 * visitor's status code in one place.
 */
public class TunnelException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a connection could not be had. */
    public enum Reason {
        /** No live tunnel has this key. */
        NO_TUNNEL,
        /** The SSH client refused the channel: nothing listens on its side of the tunnel (service down). */
        REFUSED_BY_CLIENT,
        /** The client did not answer the channel open, or the pool had no free connection, in time. */
        TIMEOUT,
        /** Too many concurrent streams: the pool is exhausted. */
        OVERLOADED,
        /** The tunnel's SSH connection went away while the channel was being opened, or another fault. */
        UNAVAILABLE
    }

    private final Reason reason;

    public TunnelException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TunnelException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
