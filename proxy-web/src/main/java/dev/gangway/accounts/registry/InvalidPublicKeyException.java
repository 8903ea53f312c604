package dev.gangway.accounts.registry;

/**
 * What a person pasted is not an SSH public key Gangway accepts. The message says why in words meant for that person
 * (it ends up on the self-service page), and never echoes the pasted text.
 */
public final class InvalidPublicKeyException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidPublicKeyException(String reason) {
        super(reason);
    }
}
