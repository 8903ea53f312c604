package dev.gangway.proxy.routing;

import java.util.Objects;

/** Where one visitor request goes, as decided from its host and path alone. */
public sealed interface Route {

    /** To the service behind tunnel {@code key}, asking for {@code target} (path and query, raw as sent). */
    record ToTunnel(String key, String target) implements Route {
        public ToTunnel {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(target, "target");
        }
    }

    /** The gateway's own health probe, answered on the spot. */
    record Health() implements Route {
    }

    /** The gateway's own pages and API on the base host: the servlet chain answers. */
    record Application() implements Route {
    }

    /** A host that is neither the base host nor a tunnel host. */
    record UnknownHost() implements Route {
    }
}
