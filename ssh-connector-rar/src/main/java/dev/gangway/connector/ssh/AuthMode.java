package dev.gangway.connector.ssh;

import java.util.Locale;

/** Which SSH public keys may log in. Public-key authentication is the only method in every mode. */
public enum AuthMode {
    /** Any key, as Preevy's public server does; the key still identifies the client (clientId). */
    OPEN("open"),
    /** Keys listed in an OpenSSH authorized_keys file, reloaded when the file changes. */
    AUTHORIZED_KEYS("authorized-keys"),
    /**
     * Keys a {@link dev.gangway.connector.api.KeyAuthority} accepts: in Gangway, keys registered by a person who
     * signed in through the corporate identity provider. Each session then carries its key's owner.
     */
    SSO("sso");

    private final String configValue;

    AuthMode(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    /** Parses the operator's setting; names the accepted values when it is wrong. */
    public static AuthMode parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (AuthMode mode : values()) {
            if (mode.configValue.equals(v)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("authMode '" + value + "' is not one of: open, authorized-keys, sso");
    }
}
