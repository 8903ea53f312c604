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
        KeycloakServer keycloak = KeycloakServer.shared();
        ManagementApi.result("add", AUTH_MODE_PROPERTY, "value", "sso");
        ServerReload.reloadAndAwait("sign-in pages protected by the OIDC client after reload",
                () -> accountStatus() == 302);
        return keycloak;
    }

    /** authMode open again; returns once any key logs in. */
    public static void off() throws Exception {
        try (SshKeyPair anyKey = SshKeyPair.ed25519()) {
            ModelNode removed = ManagementApi.execute("remove", AUTH_MODE_PROPERTY);
            ServerReload.reloadAndAwaitLogin(anyKey, "sso-off-env");
            assertEquals("success", removed.get("outcome").asString(), removed.toJSONString(true));
        }
    }

    private static int accountStatus() {
        try {
            return Visitor.send(HttpRequest.newBuilder(ItServer.url("/_gangway/account")).GET()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
