package dev.gangway.connector.api;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The person an SSH key belongs to in authMode {@code sso}: who registered it at the identity provider.
 *
 * @param subject     the OpenID Connect {@code sub} claim: stable, unique at the provider; what revocation matches on
 * @param displayName for logs and headers (the preferred user name); may repeat across people
 * @param email       may be {@code null}
 * @param groups      the groups the provider last reported; never {@code null}, possibly empty
 */
public record KeyOwner(String subject, String displayName, String email, List<String> groups) implements Serializable {

    public KeyOwner {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject is blank");
        }
        displayName = displayName == null || displayName.isBlank() ? subject : displayName;
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
