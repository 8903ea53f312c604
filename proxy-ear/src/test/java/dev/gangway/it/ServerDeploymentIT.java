package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.Visitor;

/**
 * The EAR deploys on the configured server, and the server is configured as wildfly-config says: the web tier
 * answers on the root context, the resource adapter's settings live in the management model (where the admin
 * console shows them) as overridable expressions, the test server's overrides reach the adapter, and the SSH
 * listener the adapter starts is up.
 */
@ExtendWith(ArquillianExtension.class)
class ServerDeploymentIT {

    private static final String[] RESOURCE_ADAPTER =
            {"subsystem", "resource-adapters", "resource-adapter", "gangway"};

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void healthzAnswers200OnTheBaseHost() throws Exception {
        var response = Visitor.get("/healthz");

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void resourceAdapterSettingsAreExpressionsInTheManagementModel() throws Exception {
        ModelNode ra = ManagementApi.result("read-resource", RESOURCE_ADAPTER, "recursive", true);

        assertEquals("proxy-ear.ear#ssh-connector.rar", ra.get("archive").asString());
        assertEquals("NoTransaction", ra.get("transaction-support").asString());
        ModelNode props = ra.get("config-properties");
        assertEquals("${gangway.ssh.port:2222}", props.get("sshPort", "value").asString());
        assertEquals("${gangway.base-url:http://localhost:8080}", props.get("baseUrl", "value").asString());
        assertEquals("${gangway.auth-mode:open}", props.get("authMode", "value").asString());
        assertEquals("${gangway.trusted-proxies:,}", props.get("trustedProxies", "value").asString());

        ModelNode tunnels = ra.get("connection-definitions", "tunnels");
        assertEquals("java:/gangway/tunnels", tunnels.get("jndi-name").asString());
        assertEquals("dev.gangway.connector.outbound.TunnelManagedConnectionFactory",
                tunnels.get("class-name").asString());
        // Pooled per tunnel key (POOL_BY_CRI), never shared or enlisted; no validation (a slot reopens its channel).
        assertTrue(tunnels.get("security-application").asBoolean(), tunnels.toString());
        assertFalse(tunnels.get("validate-on-match").asBoolean(), tunnels.toString());
        assertEquals(false, tunnels.get("sharable").asBoolean());
        assertEquals(false, tunnels.get("enlistment").asBoolean());
        assertEquals("${gangway.pool.max-streams-per-tunnel:1000}", tunnels.get("max-pool-size").asString());
        assertEquals("${gangway.channel-open-timeout:10}",
                tunnels.get("config-properties", "channelOpenTimeoutSeconds", "value").asString());
    }

    @Test
    void testServerOverridesReachTheExpressions() throws Exception {
        assertEquals(Integer.toString(ItServer.sshPort()), resolvedProperty("sshPort"));
        assertEquals(ItServer.baseUrl().toString(), resolvedProperty("baseUrl"));
        // Not overridden: the default after the colon.
        assertEquals("open", resolvedProperty("authMode"));
        assertEquals(",", resolvedProperty("trustedProxies"));
    }

    @Test
    void sshListenerGreetsWithAnSshBanner() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ItServer.HOST, ItServer.sshPort()), 10_000);
            socket.setSoTimeout(10_000);
            var reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

            String banner = reader.readLine();

            assertTrue(banner != null && banner.startsWith("SSH-2.0-"), "SSH banner: " + banner);
        }
    }

    private static String resolvedProperty(String name) throws Exception {
        String[] address = {"subsystem", "resource-adapters", "resource-adapter", "gangway", "config-properties", name};
        return ManagementApi.result("read-attribute", address, "name", "value", "resolve-expressions", true)
                .asString();
    }
}
