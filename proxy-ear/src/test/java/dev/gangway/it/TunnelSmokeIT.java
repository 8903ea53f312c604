package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.Visitor;

/**
 * The whole path once, end to end, with the tools a user has: a stock OpenSSH client opens a tunnel to a real
 * backend, {@code hello} reports its URL, and a visitor's request to that URL comes back from the backend.
 */
@ExtendWith(ArquillianExtension.class)
class TunnelSmokeIT {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void visitorReachesTheBackendThroughAnOpenSshTunnel() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = Backend.start();
             SshProcess ssh = SshProcess.start(key, "smoke-env",
                     List.of("-R", "/smoke:localhost:" + backend.port()), "hello")) {

            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(SSH_TIMEOUT));
            String tunnelKey = "smoke-" + key.clientId();
            assertEquals(key.clientId(), hello.get("clientId").asString(), hello.toJSONString(true));
            assertEquals("http://" + tunnelKey + ".localhost:" + ItServer.httpPort() + "/",
                    hello.get("tunnels", "/smoke").asString(), hello.toJSONString(true));

            var response = Visitor.get(ItServer.tunnelHost(tunnelKey), "/some/page?q=1");

            assertEquals(200, response.statusCode(), response.body() + ssh.describe());
            assertEquals("backend GET /some/page?q=1", response.body());
            Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
            assertNotNull(seen, "the backend saw no request");
            assertEquals(ItServer.tunnelHost(tunnelKey), seen.header("Host"), "Host reaches the service unchanged");
        }
    }

    @Test
    void unknownTunnelOnATunnelHostIs502() throws Exception {
        var response = Visitor.get(ItServer.tunnelHost("nosuch-aaaaaaaa"), "/");

        assertEquals(502, response.statusCode(), response.body());
    }
}
