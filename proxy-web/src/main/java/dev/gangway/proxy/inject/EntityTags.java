package dev.gangway.proxy.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Entity tags (RFC 9110 §8.8.3) with an injection suffix: {@code "abc"} from the service goes to the visitor as
 * {@code "abc+inject-1a2b3c4d"} ({@code W/} kept), and comes back in conditional headers, where the suffix is
 * taken off again so that the service recognises its own tag.
 */
final class EntityTags {

    private EntityTags() {
    }

    /**
     * An {@code ETag} value with the suffix added inside the quotes, or {@code null} if the value is not an entity
     * tag (then no validator is better than one that might match the service's un-injected page).
     */
    static String withSuffix(String etag, String suffix) {
        if (opaque(etag) == null) {
            return null;
        }
        String v = etag.trim();
        return v.substring(0, v.length() - 1) + suffix + '"';
    }

    /** The opaque tag (quotes included, {@code W/} left off) of an {@code ETag} value, or {@code null}. */
    static String opaque(String etag) {
        String v = etag.trim();
        int open = v.startsWith("W/") ? 2 : 0;
        if (v.length() < open + 2 || v.charAt(open) != '"' || v.indexOf('"', open + 1) != v.length() - 1) {
            return null;
        }
        return v.substring(open);
    }

    /**
     * An {@code If-None-Match} or {@code If-Match} value with the suffix taken off every tag that carries it;
     * {@code *} and other tags are kept as they are. The opaque tags that lost the suffix (as the service knows
     * them) are added to {@code unsuffixed}.
     *
     * @return the new value, or {@code value} itself when nothing changed or it is not a valid list
     */
    static String withoutSuffix(String value, String suffix, Set<String> unsuffixed) {
        List<String> members = parseList(value);
        if (members == null) {
            return value;
        }
        boolean changed = false;
        String tail = suffix + '"';
        List<String> out = new ArrayList<>(members.size());
        for (String member : members) {
            if (!member.equals("*") && member.endsWith(tail)) {
                String stripped = member.substring(0, member.length() - tail.length()) + '"';
                unsuffixed.add(opaque(stripped));
                out.add(stripped);
                changed = true;
            } else {
                out.add(member);
            }
        }
        return changed ? String.join(", ", out) : value;
    }

    /** {@code *} or a comma-separated list of entity tags (commas may occur inside the quotes); {@code null} if invalid. */
    private static List<String> parseList(String value) {
        List<String> members = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (true) {
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) {
                i++;
            }
            if (i == n) {
                return members;
            }
            int start = i;
            if (value.charAt(i) == '*') {
                i++;
            } else {
                if (value.startsWith("W/", i)) {
                    i += 2;
                }
                if (i == n || value.charAt(i) != '"') {
                    return null;
                }
                int close = value.indexOf('"', i + 1);
                if (close < 0) {
                    return null;
                }
                i = close + 1;
            }
            members.add(value.substring(start, i));
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && value.charAt(i) != ',') {
                return null;
            }
        }
    }
}
