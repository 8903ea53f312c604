package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.jboss.dmr.ModelNode;

/**
 * Applies configuration changes to the shared IT server the way an operator does: change the model, then
 * {@code :reload}, and wait until the server, the EAR and the SSH connector are back.
 */
public final class ServerReload {

    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    private ServerReload() {
    }

    /**
     * {@code :reload}, then waits until {@code key} can run {@code hello}: the server is back, the EAR redeployed and
     * the adapter listening with its new settings.
     */
    public static void reloadAndAwaitLogin(SshKeyPair key, String envId) throws Exception {
        reloadAndAwait("back after reload with key " + key.clientId() + " admitted", () -> {
            try {
                SshRun.Result r = SshRun.run(key, envId, List.of("-o", "ConnectTimeout=5"), SSH_TIMEOUT, "hello");
                return r.exitStatus() == 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * {@code :reload}, then waits until the server runs, the EAR is deployed again and {@code ready} says the
     * application is back (e.g. for a mode in which no SSH key logs in without more set-up).
     */
    public static void reloadAndAwait(String what, Callable<Boolean> ready) throws Exception {
        ModelNode reload = ManagementApi.execute("reload", new String[0]);
        assertEquals("success", reload.get("outcome").asString(), reload.toJSONString(true));
        Poll.until(RELOAD_TIMEOUT, Duration.ofSeconds(1), "server running after reload", () -> {
            try {
                return ManagementApi.result("read-attribute", new String[0], "name", "server-state").asString();
            } catch (IOException | RuntimeException | AssertionError e) {
                // Down, or up without a model yet (an empty 503): keep asking.
                return "unreachable (" + e.getMessage() + ")";
            }
        }, "running"::equals);
        redeployIfDropped();
        Poll.until(RELOAD_TIMEOUT, Duration.ofSeconds(1), what, ready, Boolean.TRUE::equals);
    }

    /**
     * Arquillian deploys without persisting the deployment, so a reload drops it; put the same EAR back (persistent
     * now, which Arquillian's undeploy at the end of the class removes as usual).
     */
    private static void redeployIfDropped() throws IOException {
        String[] deployment = {"deployment", GangwayDeployment.NAME};
        if ("success".equals(ManagementApi.execute("read-resource", deployment).get("outcome").asString())) {
            return;
        }
        ModelNode content = new ModelNode();
        content.add().get("url").set(ItServer.earFile().toAbsolutePath().toUri().toString());
        ManagementApi.result("add", deployment, "content", content, "enabled", true);
    }
}
