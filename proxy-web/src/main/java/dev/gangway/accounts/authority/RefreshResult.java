package dev.gangway.accounts.authority;

import java.util.Objects;

import dev.gangway.accounts.identity.SignedInPerson;

/** What the provider said to a refresh-token grant for one person. */
public sealed interface RefreshResult {

    /**
     * The provider vouched for the person again.
     *
     * @param person       as the refreshed ID token (or UserInfo) states them now, groups included
     * @param refreshToken the rotated refresh token, or {@code null} when the provider keeps the old one valid
     */
    record Confirmed(SignedInPerson person, String refreshToken) implements RefreshResult {
        public Confirmed {
            Objects.requireNonNull(person, "person");
        }

        @Override
        public String toString() {
            return "Confirmed[" + person + "]";
        }
    }

    /**
     * The provider refused the grant ({@code invalid_grant}): the person was disabled or removed, or their session
     * was revoked or has ended. Only a new sign-in gets a new grant.
     *
     * @param reason the provider's error and description, for logs
     */
    record Refused(String reason) implements RefreshResult {
    }

    /**
     * No answer about the person: the provider was unreachable, answered with an error that is about this server
     * (a wrong client secret, a server error), or answered something that failed verification.
     *
     * @param reason what went wrong, for the operator
     */
    record Unavailable(String reason) implements RefreshResult {
    }
}
