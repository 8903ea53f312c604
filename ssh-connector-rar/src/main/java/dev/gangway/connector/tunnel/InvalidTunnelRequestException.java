package dev.gangway.connector.tunnel;

/** A forward request the server will not accept as a tunnel; the message is one line, fit for the SSH client. */
public class InvalidTunnelRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidTunnelRequestException(String message) {
        super(message);
    }

    public InvalidTunnelRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
