package dev.gangway.proxy.web;

/**
 * The base host's paths that belong to single sign-on: WildFly's OIDC mechanism protects them (web.xml), and they
 * exist only in authMode sso.
 */
public final class SignInPaths {

    /**
     * Where sign-in starts; not protected itself: it keeps a private tunnel's {@code ?return=} in the visitor's
     * session and sends them on to {@link #SIGN_IN_DONE}.
     */
    public static final String SIGN_IN = "/_gangway/signin";
    /** Protected: the provider's sign-in happens on the way here; then on to the self-service page or the tunnel. */
    public static final String SIGN_IN_DONE = SIGN_IN + "/done";
    /** The self-service page. */
    public static final String ACCOUNT = "/_gangway/account";
    /** The self-service and admin REST API. */
    public static final String API = "/_gangway/api";

    private SignInPaths() {
    }

    static boolean isSignInArea(String path) {
        return under(path, SIGN_IN) || under(path, ACCOUNT) || under(path, API);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
