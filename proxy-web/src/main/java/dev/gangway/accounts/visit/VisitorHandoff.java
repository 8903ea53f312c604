package dev.gangway.accounts.visit;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.servlet.ServletContext;

import dev.gangway.accounts.identity.SignedInPerson;

/**
 * One-time codes that carry a signed-in person from the base host to a tunnel host. A cookie of the base host cannot
 * be read by a tunnel host, and a parent-domain cookie would be readable and writable by every tunnel, so the sign-in
 * servlet issues a code in a redirect, and the tunnel host redeems it for a cookie of its own.
 *
 * <p>A code is 256 random bits, lives {@link #TTL}, is redeemed at most once and only on the tunnel host it was
 * issued for. Codes live in memory on the node that issued them (a cluster needs sticky sessions or a shared cache
 * here; issue #5). Bounded: at {@link #MAX_PENDING} pending codes, expired ones are purged and, if that is not
 * enough, new ones are refused.
 */
public final class VisitorHandoff {

    /** ServletContext attribute under which the deployment publishes the instance. */
    public static final String ATTRIBUTE = VisitorHandoff.class.getName();
    /** The path on a tunnel host that redeems a code. */
    public static final String CALLBACK_PATH = "/_gangway/callback";

    static final Duration TTL = Duration.ofSeconds(60);
    static final int MAX_PENDING = 10_000;

    private final String tunnelHostSuffix;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();

    /** What a redeemed code gives the tunnel host: who signed in, and where to send them. */
    public record Redeemed(SignedInPerson person, String returnUrl) {
    }

    private record Pending(SignedInPerson person, String host, String returnUrl, long expiresAtMillis) {
    }

    /** @param baseHost the base host name; tunnel hosts are {@code <label>.<base host>} */
    public VisitorHandoff(String baseHost, Clock clock) {
        this.tunnelHostSuffix = "." + baseHost.toLowerCase(Locale.ROOT);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The deployment's instance, for the sign-in servlet. */
    public static VisitorHandoff from(ServletContext context) {
        return (VisitorHandoff) context.getAttribute(ATTRIBUTE);
    }

    /**
     * A code for {@code person} to take to the tunnel host of {@code returnUrl}.
     *
     * @param returnUrl the absolute URL on a tunnel host the visitor asked for (the sign-in page's {@code return})
     * @return where to redirect the visitor: {@code <scheme>://<tunnel host>/_gangway/callback?code=…}
     * @throws IllegalArgumentException if {@code returnUrl} is not an http(s) URL on a tunnel host (no open redirect)
     * @throws IllegalStateException    if too many codes are pending
     */
    public String issue(SignedInPerson person, String returnUrl) {
        Objects.requireNonNull(person, "person");
        URI target = tunnelUrl(returnUrl);
        long now = clock.millis();
        if (pending.size() >= MAX_PENDING) {
            pending.values().removeIf(p -> p.expiresAtMillis() <= now);
            if (pending.size() >= MAX_PENDING) {
                throw new IllegalStateException("too many sign-ins in progress; try again shortly");
            }
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(code, new Pending(person, target.getHost().toLowerCase(Locale.ROOT), target.toString(),
                now + TTL.toMillis()));
        return target.getScheme() + "://" + target.getRawAuthority() + CALLBACK_PATH + "?code="
                + URLEncoder.encode(code, StandardCharsets.UTF_8);
    }

    /** Whether {@link #issue} would take {@code returnUrl}: an http(s) URL on a tunnel host. */
    public boolean isTunnelUrl(String returnUrl) {
        try {
            tunnelUrl(returnUrl);
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    /**
     * Redeems a code once.
     *
     * @param host the tunnel host it is presented on (no port)
     * @return empty if the code is unknown, used, expired, or was issued for another host
     */
    public Optional<Redeemed> redeem(String code, String host) {
        if (code == null || host == null) {
            return Optional.empty();
        }
        Pending p = pending.remove(code);
        if (p == null || clock.millis() >= p.expiresAtMillis() || !p.host().equals(host.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(new Redeemed(p.person(), p.returnUrl()));
    }

    private URI tunnelUrl(String returnUrl) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(returnUrl, "returnUrl"));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the return URL is not a URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String label = host.endsWith(tunnelHostSuffix) ? host.substring(0, host.length() - tunnelHostSuffix.length()) : "";
        if (!(scheme.equals("http") || scheme.equals("https")) || label.isEmpty() || label.contains(".")
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the return URL must be an http(s) URL on a tunnel host");
        }
        return uri;
    }
}
