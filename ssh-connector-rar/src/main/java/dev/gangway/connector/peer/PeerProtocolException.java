package dev.gangway.connector.peer;

/** A peer sent something the peer protocol does not allow; the connection is dropped. */
final class PeerProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    PeerProtocolException(String message) {
        super(message);
    }
}
