package dev.gangway.accounts.signin;

import java.util.List;
import java.util.Set;
import java.util.LinkedHashSet;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.registry.AccountClaims;

/** Turns the claims of a verified ID token into the person Gangway deals with, and into the registry's claims. */
public final class SignedInPeople {

    private SignedInPeople() {
    }

    /**
     * @param subject           {@code sub}
     * @param preferredUsername {@code preferred_username}, or {@code null}: the subject stands in
     * @param email             {@code email}, or {@code null}
     * @param groups            the configured groups claim's values, or {@code null} when the token has none
     * @param adminGroup        the group whose members administer Gangway
     */
    public static SignedInPerson person(String subject, String preferredUsername, String email, List<String> groups,
                                        String adminGroup) {
        List<String> names = groups == null ? List.of() : List.copyOf(new LinkedHashSet<>(groups));
        String display = preferredUsername == null || preferredUsername.isBlank() ? subject : preferredUsername;
        return new SignedInPerson(subject, display, email, names, names.contains(adminGroup));
    }

    /** What the key registry keeps of a sign-in. */
    public static AccountClaims claims(SignedInPerson person) {
        return new AccountClaims(person.subject(), person.displayName(), person.email(), Set.copyOf(person.groups()),
                person.admin());
    }

    /** Whether the person may register keys and hold tunnels. */
    public static boolean allowed(SignedInPerson person, String allowedGroup) {
        return person.groups().contains(allowedGroup);
    }
}
