package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;

import org.jboss.dmr.ModelNode;

/**
 * Switches the shared IT server to authMode sso and back, as an operator does: the {@code gangway.auth-mode} system
 * property the adapter's setting is an expression of, then {@code :reload}. The server's OIDC client always points
 * at the ITs' {@link KeycloakServer}, which {@link #on()} starts if it is not running yet.
 */
public final class SsoMode {

    private static final String[] AUTH_MODE_PROPERTY = {"system-property", "gangway.auth-mode"};

    private SsoMode() {
    }

    /** authMode sso; returns once the sign-in pages answer with a redirect to Keycloak. */
    public static KeycloakServer on() throws Exception {
        return on(new String[0]);
    }

    /**
     * authMode sso with more settings for this test class, as system properties the adapter's settings are
     * expressions of (e.g. {@code "gangway.sso.recheck-interval", "1"}); {@link #off(String...)} takes them back.
     *
     * @param nameValuePairs alternating system property names and values
     */
    public static KeycloakServer on(String... nameValuePairs) throws Exception {
        KeycloakServer keycloak = KeycloakServer.shared();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            ManagementApi.result("add", property(nameValuePairs[i]), "value", nameValuePairs[i + 1]);
        }
        ManagementApi.result("add", AUTH_MODE_PROPERTY, "value", "sso");
        ServerReload.reloadAndAwait("sign-in pages protected by the OIDC client after reload",
                () -> accountStatus() == 302);
        return keycloak;
    }

    /**
     * authMode open again, without the system properties named (those {@link #on(String...)} set); returns once any
     * key logs in.
     */
    public static void off(String... propertyNames) throws Exception {
        for (String name : propertyNames) {
            ManagementApi.execute("remove", property(name));
        }
        try (SshKeyPair anyKey = SshKeyPair.ed25519()) {
            ModelNode removed = ManagementApi.execute("remove", AUTH_MODE_PROPERTY);
            ServerReload.reloadAndAwaitLogin(anyKey, "sso-off-env");
            assertEquals("success", removed.get("outcome").asString(), removed.toJSONString(true));
        }
    }

    private static String[] property(String name) {
        return new String[] {"system-property", name};
    }

    private static int accountStatus() {
        try {
            return Visitor.send(HttpRequest.newBuilder(ItServer.url("/_gangway/account")).GET()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
