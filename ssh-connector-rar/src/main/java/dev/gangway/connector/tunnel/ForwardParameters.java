package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelAccess;

import java.util.HashSet;
import java.util.Set;

/**
 * The {@code #k=v;k=v…} part of a socket path. Anything not in PROTOCOL.md is refused rather than ignored, so that a
 * client never believes a setting (say, a misspelt {@code acess=private}) took effect when it did not.
 */
record ForwardParameters(TunnelAccess access, String metaJson, String injectJson) {

    static final ForwardParameters NONE = new ForwardParameters(TunnelAccess.PUBLIC, null, null);

    static ForwardParameters parse(String text) throws InvalidTunnelRequestException {
        TunnelAccess access = TunnelAccess.PUBLIC;
        String meta = null;
        String inject = null;
        Set<String> seen = new HashSet<>();
        for (String pair : text.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new InvalidTunnelRequestException(pair.isEmpty()
                        ? "empty parameter in '#" + text + "'; write #key=value;key=value"
                        : "parameter '" + pair + "' has no value; write " + pair + "=<value>");
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (!seen.add(key)) {
                throw new InvalidTunnelRequestException("parameter '" + key + "' is given twice");
            }
            switch (key) {
                case "access":
                    access = parseAccess(value);
                    break;
                case "meta":
                    meta = JsonParameters.metaObject(value);
                    break;
                case "inject":
                    inject = JsonParameters.injectArray(value);
                    break;
                default:
                    throw new InvalidTunnelRequestException("unknown parameter '" + key
                            + "'; allowed: access, meta, inject");
            }
        }
        return new ForwardParameters(access, meta, inject);
    }

    private static TunnelAccess parseAccess(String value) throws InvalidTunnelRequestException {
        // Exact, lower case, as Preevy accepts it: "Private" is more likely a typo than a wish.
        switch (value) {
            case "public":
                return TunnelAccess.PUBLIC;
            case "private":
                return TunnelAccess.PRIVATE;
            default:
                throw new InvalidTunnelRequestException("access '" + value + "' is not one of: public, private");
        }
    }
}
