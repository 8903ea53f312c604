package dev.gangway.proxy.http;

/**
 * Takes Gangway's own cookie out of a {@code Cookie} header before the request goes to a service: the service must
 * never see, and so never be able to replay, a visitor's session.
 */
public final class CookieStrip {

    private CookieStrip() {
    }

    /**
     * @param value a {@code Cookie} header value ({@code a=1; b=2})
     * @param name  the cookie to remove
     * @return the value without every {@code name=…} pair, the same instance when there is none (the usual case, and
     *         no allocation), or {@code null} when nothing is left
     */
    public static String without(String value, String name) {
        if (!value.contains(name)) {
            return value;
        }
        StringBuilder kept = new StringBuilder(value.length());
        for (String pair : value.split(";")) {
            String trimmed = pair.trim();
            int eq = trimmed.indexOf('=');
            String pairName = eq < 0 ? trimmed : trimmed.substring(0, eq).trim();
            if (trimmed.isEmpty() || pairName.equals(name)) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append("; ");
            }
            kept.append(trimmed);
        }
        return kept.length() == 0 ? null : kept.toString();
    }
}
