package dev.gangway.connector.tunnel;

/**
 * The registry would not give a tunnel its key (a duplicate, or a live holder); the message is one line, fit for the
 * SSH client.
 */
public class TunnelRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    public TunnelRefusedException(String message) {
        super(message);
    }
}
