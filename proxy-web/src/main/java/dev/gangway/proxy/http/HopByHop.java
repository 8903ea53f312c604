package dev.gangway.proxy.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, and the proxy has two. Applied in
 * both directions, so the visitor's connection options never reach the service and the service's never reach the
 * visitor.
 */
public final class HopByHop {

    private static final Set<String> ALWAYS = Set.of(
            "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /** The fields without hop-by-hop ones, including every header the {@code Connection} header names. */
    public static List<HeaderField> strip(List<HeaderField> fields) {
        Set<String> named = connectionTokens(fields);
        List<HeaderField> kept = new ArrayList<>(fields.size());
        for (HeaderField field : fields) {
            String lower = field.name().toLowerCase(Locale.ROOT);
            if (!ALWAYS.contains(lower) && !lower.startsWith("proxy-") && !named.contains(lower)) {
                kept.add(field);
            }
        }
        return kept;
    }

    /** The lower-case tokens of every {@code Connection} header, e.g. {@code close}, {@code x-secret}. */
    public static Set<String> connectionTokens(List<HeaderField> fields) {
        Set<String> tokens = new TreeSet<>();
        for (HeaderField field : fields) {
            if (field.is("Connection")) {
                for (String token : field.value().split(",")) {
                    String t = token.trim().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty()) {
                        tokens.add(t);
                    }
                }
            }
        }
        return tokens;
    }
}
