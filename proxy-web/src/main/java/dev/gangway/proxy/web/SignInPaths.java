package dev.gangway.proxy.web;

/**
 * The base host's paths that belong to single sign-on: WildFly's OIDC mechanism protects them (web.xml), and they
 * exist only in authMode sso.
 */
public final class SignInPaths {

    /** Signs the visitor in, then sends them on (the self-service page, or back to a tunnel host). */
    public static final String SIGN_IN = "/_gangway/signin";
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
