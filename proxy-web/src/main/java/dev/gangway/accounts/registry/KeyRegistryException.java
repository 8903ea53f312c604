package dev.gangway.accounts.registry;

/**
 * A registry operation was refused; {@link #reason()} says which way, so that a caller (the self-service API, the
 * test endpoint) maps it to a status in one place, and the message says why in words meant for the person asking.
 * Unchecked, so that a {@code @Transactional} method rolls back when it throws one.
 */
public final class KeyRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The public key line is malformed or of a refused kind. */
        INVALID_KEY,
        /** The key's name is empty, too long or has characters outside the allowed set. */
        INVALID_NAME,
        /** The sign-in claims cannot be stored (no subject, values too long). */
        INVALID_ACCOUNT,
        /** The key is registered already, by this person or another. */
        DUPLICATE_KEY,
        /** No such key, or not one the actor may see. */
        NO_SUCH_KEY,
        /** No account with that subject: the person has never signed in. */
        NO_SUCH_ACCOUNT,
        /** The actor may not do this (not the owner, not an admin). */
        NOT_ALLOWED
    }

    private final Reason reason;

    public KeyRegistryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status every web caller answers this refusal with. */
    public int httpStatus() {
        return switch (reason) {
            case INVALID_KEY, INVALID_NAME, INVALID_ACCOUNT -> 400;
            case DUPLICATE_KEY -> 409;
            case NO_SUCH_KEY, NO_SUCH_ACCOUNT -> 404;
            case NOT_ALLOWED -> 403;
        };
    }
}
