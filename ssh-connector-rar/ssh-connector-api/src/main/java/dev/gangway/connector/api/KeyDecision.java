package dev.gangway.connector.api;

import java.util.Objects;

/**
 * A {@link KeyAuthority}'s answer for one {@link KeyLogin}.
 *
 * @param allowed whether the key may log in
 * @param owner   whom the key belongs to; required when allowed, ignored otherwise
 * @param reason  why, for the server log (never shown to the SSH client); required when refused
 */
public record KeyDecision(boolean allowed, KeyOwner owner, String reason) {

    public KeyDecision {
        if (allowed) {
            Objects.requireNonNull(owner, "an allowed key needs its owner");
        } else {
            Objects.requireNonNull(reason, "a refusal needs a reason");
            owner = null;
        }
    }

    public static KeyDecision allow(KeyOwner owner) {
        return new KeyDecision(true, owner, "allowed");
    }

    public static KeyDecision refuse(String reason) {
        return new KeyDecision(false, null, reason);
    }
}
