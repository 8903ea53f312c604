package dev.gangway.accounts.identity;

import java.util.List;
import java.util.Objects;

/**
 * A person who signed in through single sign-on, as the sign-in servlet hands them on (to the key registry, to a
 * private tunnel's visitor handoff).
 *
 * @param subject     the OpenID Connect {@code sub}: stable and unique at the provider
 * @param displayName the preferred user name, for pages, logs and headers
 * @param email       may be {@code null}
 * @param groups      the groups claim at sign-in; never {@code null}
 * @param admin       member of the admin group
 */
public record SignedInPerson(String subject, String displayName, String email, List<String> groups, boolean admin) {

    public SignedInPerson {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject is blank");
        }
        displayName = displayName == null || displayName.isBlank() ? subject : displayName;
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
