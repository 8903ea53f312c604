package dev.gangway.accounts.registry;

/**
 * Who asks for a change: the signed-in person's subject, and whether their current identity carries the admin role.
 * The role comes from the caller's security identity at request time, not from the stored {@link Account}, so that
 * losing the role at the provider takes effect at once.
 */
public record Actor(String subject, boolean admin) {

    public static Actor person(String subject) {
        return new Actor(subject, false);
    }

    public static Actor administrator(String subject) {
        return new Actor(subject, true);
    }

    boolean mayChange(Account owner) {
        return admin || owner.subject().equals(subject);
    }
}
