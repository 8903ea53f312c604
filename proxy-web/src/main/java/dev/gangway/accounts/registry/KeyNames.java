package dev.gangway.accounts.registry;

import java.util.regex.Pattern;

/**
 * The name a person gives a key ("work laptop"). Bounded and restricted to letters, digits, spaces and a little
 * punctuation, because it is shown on pages and written to logs and the audit trail: no control characters, no
 * markup, no line breaks that could forge a log line.
 */
public final class KeyNames {

    public static final int MAX_LENGTH = 64;

    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M}\\p{N}][\\p{L}\\p{M}\\p{N} ._@+()-]*");

    private KeyNames() {
    }

    /** The name with surrounding whitespace removed, if it is acceptable. */
    public static String validate(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw new KeyRegistryException(KeyRegistryException.Reason.INVALID_NAME, "give the key a name");
        }
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_LENGTH) {
            throw new KeyRegistryException(KeyRegistryException.Reason.INVALID_NAME,
                    "a key's name has at most " + MAX_LENGTH + " characters");
        }
        if (!ALLOWED.matcher(trimmed).matches()) {
            throw new KeyRegistryException(KeyRegistryException.Reason.INVALID_NAME,
                    "a key's name starts with a letter or digit and has only letters, digits, spaces and . _ @ + ( ) -");
        }
        return trimmed;
    }
}
