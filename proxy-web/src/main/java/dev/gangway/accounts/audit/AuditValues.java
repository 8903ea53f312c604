package dev.gangway.accounts.audit;

/**
 * Values as an audit line may hold them. Some come from the SSH client (its user name) or the identity provider (a
 * display name): left as they are, a space, a quote or a line break in one would let it forge fields or whole lines
 * that a SIEM then trusts.
 */
final class AuditValues {

    private static final String NONE = "-";

    private AuditValues() {
    }

    /** An unquoted {@code key=value} value: whitespace, controls and quotes become {@code _}; none is {@code -}. */
    static String token(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(Character.isWhitespace(c) || Character.isISOControl(c)
                || c == '"' ? '_' : c));
        return out.toString();
    }

    /** A value between double quotes: control characters become spaces, double quotes single ones. */
    static String quoted(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c == '"' ? '\'' : c));
        return out.toString();
    }
}
