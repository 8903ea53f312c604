package dev.gangway.proxy.access;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads Gangway's own credential out of an {@code Authorization} header, as Preevy's clients send it (PROTOCOL.md):
 * {@code Basic} with user {@code x-preevy-profile-key} and the JWT as password, or {@code Bearer <JWT>}.
 */
public final class OwnerCredential {

    /** The Basic user name that marks the password as a Preevy profile JWT. */
    public static final String PROFILE_KEY_USER = "x-preevy-profile-key";

    private OwnerCredential() {
    }

    /**
     * @param authorization the header's value, or {@code null}
     * @return the token it carries for Gangway, or {@code null} when it carries none (absent, another scheme, another
     *         Basic user, undecodable Basic)
     */
    public static String token(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = value.substring(0, space);
        String data = value.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return data.isEmpty() ? null : data;
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(0, colon).equals(PROFILE_KEY_USER)) {
            return null;
        }
        String password = decoded.substring(colon + 1);
        return password.isEmpty() ? null : password;
    }
}
