package dev.gangway.accounts.authority;

import java.util.Objects;

/**
 * What a re-check at the provider means for a person's keys. Pure, so that each case is tested alone.
 *
 * @param verdict what follows for the person's keys and sessions
 * @param reason  why, for logs and the audit trail
 */
public record Standing(Verdict verdict, String reason) {

    public enum Verdict {
        /** The provider vouched for the person and they are in the allowed group. */
        ALLOWED,
        /** The provider refused the refresh, or says the person has left the allowed group: their sessions end. */
        LOST,
        /**
         * The provider gave no answer about the person (unreachable, or an error about this server): the last
         * standing holds while it is younger than the key lifetime.
         */
        UNANSWERED,
        /** Nothing to ask the provider with (no refresh token held, no OIDC client configured): as UNANSWERED. */
        UNCHECKED
    }

    public Standing {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /** Judges the provider's answer against the group whose members may hold tunnels. */
    public static Standing judge(RefreshResult result, String allowedGroup) {
        if (result instanceof RefreshResult.Confirmed confirmed) {
            return confirmed.person().groups().contains(allowedGroup)
                    ? new Standing(Verdict.ALLOWED, "confirmed by the identity provider")
                    : new Standing(Verdict.LOST, "no longer in group " + allowedGroup + " at the identity provider");
        }
        if (result instanceof RefreshResult.Refused refused) {
            return new Standing(Verdict.LOST,
                    "the identity provider refused to refresh their sign-in (" + refused.reason() + ")");
        }
        return new Standing(Verdict.UNANSWERED, ((RefreshResult.Unavailable) result).reason());
    }

    public static Standing unchecked(String reason) {
        return new Standing(Verdict.UNCHECKED, reason);
    }

    public static Standing unanswered(String reason) {
        return new Standing(Verdict.UNANSWERED, reason);
    }

    /** Whether the person's sessions end now. */
    public boolean lost() {
        return verdict == Verdict.LOST;
    }
}
