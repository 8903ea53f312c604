package dev.gangway.connector.api;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The single sign-on settings the web tier takes from the resource adapter (README: Configuration reference), so
 * that the operator sets them in the one place where {@code authMode} is.
 *
 * @param enabled         whether {@code authMode} is {@code sso}: sign-in and the self-service pages are on only then
 * @param allowedGroup    members of this group (in the groups claim) may register keys and hold tunnels
 * @param adminGroup      members of this group see and revoke every key and tunnel
 * @param groupsClaim     the token claim that lists a person's groups
 * @param recheckInterval how often a signed-in person's standing is checked again at the provider
 * @param keyLifetime     how long after the owner's last confirmation their keys keep working
 * @param sshPort         the plain SSH port the self-service page tells people to use; 0 when plain SSH is off
 * @param tlsPort         the TLS port (SSH over TLS) the page tells people to use; 0 when the TLS port is off
 */
public record SsoSettings(boolean enabled, String allowedGroup, String adminGroup, String groupsClaim,
                          Duration recheckInterval, Duration keyLifetime, int sshPort, int tlsPort)
        implements Serializable {

    public SsoSettings {
        Objects.requireNonNull(allowedGroup, "allowedGroup");
        Objects.requireNonNull(adminGroup, "adminGroup");
        Objects.requireNonNull(groupsClaim, "groupsClaim");
        requirePositive(recheckInterval, "recheckInterval");
        requirePositive(keyLifetime, "keyLifetime");
    }

    /** Single sign-on off, with the documented defaults for everything else (tests of other modes). */
    public static SsoSettings off() {
        return new SsoSettings(false, "gangway-users", "gangway-admins", "groups", Duration.ofMinutes(15),
                Duration.ofHours(24), 2222, 8443);
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
