package dev.gangway.accounts.identity;

import java.util.List;
import java.util.Objects;

/**
 * A person who signed in through the identity provider, as the base host's sign-in knows them: the seam between
 * sign-in (which makes it from the ID token's claims) and the parts that act on a person's behalf (the self-service
 * API, the handoff of a private-tunnel visitor to a tunnel host).
 *
 * @param subject     the OpenID Connect subject ({@code sub}): the stable id, the key registry's account id
 * @param displayName the preferred user name, for pages, logs and headers
 * @param email       the e-mail address, or {@code null} when the provider gave none
 * @param groups      the group names of the configured groups claim, as the provider sent them
 * @param admin       whether the person is in the configured admin group
 */
public record SignedInPerson(String subject, String displayName, String email, List<String> groups, boolean admin) {

    public SignedInPerson {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(displayName, "displayName");
        groups = List.copyOf(groups);
    }
}
