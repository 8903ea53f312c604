package dev.gangway.connector.peer;

/** This node's SSH connections, as revocations reach them (the SSH server's {@code disconnectKey/Owner}). */
public interface SessionRevocations {

    int disconnectKey(String fingerprint, String reason);

    int disconnectOwner(String subject, String reason);
}
