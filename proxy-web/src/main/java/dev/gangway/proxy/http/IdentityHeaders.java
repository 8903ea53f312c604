package dev.gangway.proxy.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The headers that tell a private tunnel's service who the visitor is. Gangway alone sets them: a visitor's own
 * values are dropped on every tunnel, public ones too, so that no service can be fooled by a visitor who writes them.
 */
public final class IdentityHeaders {

    public static final String USER = "X-Forwarded-User";
    public static final String EMAIL = "X-Forwarded-Email";
    public static final String GROUPS = "X-Forwarded-Groups";
    public static final String IDENTITY = "X-Gangway-Identity";

    private IdentityHeaders() {
    }

    /** Whether {@code field} is one of these headers, whoever sent it. */
    public static boolean isReserved(HeaderField field) {
        String name = field.name();
        // Cheap first: every one of them starts with "X-" and is 16 to 18 characters long.
        if (name.length() < 16 || name.length() > 18 || (name.charAt(0) != 'X' && name.charAt(0) != 'x')) {
            return false;
        }
        return field.is(USER) || field.is(EMAIL) || field.is(GROUPS) || field.is(IDENTITY);
    }

    /**
     * The headers for a visitor.
     *
     * @param email  omitted when {@code null}
     * @param groups omitted when empty; joined with {@code ,}
     * @param token  the signed identity JWT
     */
    public static List<HeaderField> of(String user, String email, List<String> groups, String token) {
        List<HeaderField> out = new ArrayList<>(4);
        out.add(new HeaderField(USER, clean(user)));
        if (email != null) {
            out.add(new HeaderField(EMAIL, clean(email)));
        }
        if (!groups.isEmpty()) {
            out.add(new HeaderField(GROUPS, clean(String.join(",", groups))));
        }
        out.add(new HeaderField(IDENTITY, token));
        return out;
    }

    /** Values come from an identity provider: control characters would split the header, so they become spaces. */
    private static String clean(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (out == null) {
                    out = new StringBuilder(value);
                }
                out.setCharAt(i, ' ');
            }
        }
        return out == null ? value : out.toString();
    }
}
