package dev.gangway.proxy.access;

import java.util.List;
import java.util.Objects;

import dev.gangway.connector.api.KeyOwner;

/**
 * Who a visitor of a private tunnel proved to be, as the service behind it is told.
 *
 * @param subject stable id: the identity provider's {@code sub}, or {@code preevy-profile:<thumbprint URI>} for an
 *                owner JWT whose tunnel has no signed-in owner (authMode open)
 * @param user    a name for people and logs ({@code X-Forwarded-User})
 * @param email   may be {@code null}
 * @param groups  never {@code null}
 */
public record VisitorIdentity(String subject, String user, String email, List<String> groups) {

    public VisitorIdentity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(user, "user");
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** An owner-JWT visitor is the tunnel's owner: the key's registered person if known, else the Preevy profile. */
    public static VisitorIdentity ofOwner(KeyOwner owner, String thumbprintUri) {
        if (owner != null) {
            return new VisitorIdentity(owner.subject(), owner.displayName(), owner.email(), owner.groups());
        }
        String profile = "preevy-profile:" + thumbprintUri;
        return new VisitorIdentity(profile, profile, null, List.of());
    }
}
