package dev.gangway.accounts.registry;

import java.util.Set;

/**
 * What a sign-in says about a person, checked against the column sizes before it is stored. Refusing oversized
 * claims (rather than cutting them) keeps a group name from silently turning into another, shorter one that a rule
 * might match.
 *
 * @param subject     the provider's {@code sub}: required
 * @param displayName preferred username, for logs and headers; may be null
 * @param email       may be null
 * @param groups      the group claim's values; may be empty
 * @param admin       whether the identity carries the admin role
 */
public record AccountClaims(String subject, String displayName, String email, Set<String> groups, boolean admin) {

    static final int MAX_SUBJECT_LENGTH = 255;
    static final int MAX_TEXT_LENGTH = 255;
    /** RFC 5321's limits: 64 for the local part, 255 for the domain, plus the {@code @}. */
    static final int MAX_EMAIL_LENGTH = 320;
    /** Refresh tokens are opaque and vary by provider; Keycloak's are JWTs of one to two kilobytes. */
    static final int MAX_TOKEN_LENGTH = 16384;
    static final int MAX_GROUPS = 1000;

    public AccountClaims {
        if (subject == null || subject.isEmpty()) {
            throw invalid("the sign-in carries no subject");
        }
        check("subject", subject, MAX_SUBJECT_LENGTH);
        check("display name", displayName, MAX_TEXT_LENGTH);
        check("e-mail", email, MAX_EMAIL_LENGTH);
        if (groups == null) {
            groups = Set.of();
        }
        if (groups.size() > MAX_GROUPS) {
            throw invalid("the sign-in carries " + groups.size() + " groups; at most " + MAX_GROUPS + " are kept");
        }
        for (String group : groups) {
            if (group == null || group.isEmpty()) {
                throw invalid("the sign-in carries an empty group name");
            }
            check("group name", group, MAX_TEXT_LENGTH);
        }
        groups = Set.copyOf(groups);
    }

    private static void check(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw invalid("the sign-in's " + what + " is longer than " + max + " characters");
        }
    }

    private static KeyRegistryException invalid(String message) {
        return new KeyRegistryException(KeyRegistryException.Reason.INVALID_ACCOUNT, message);
    }
}
