package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.RegistryEndpoint;
import dev.gangway.it.support.Visitor;

/**
 * The key registry on the server as configured by default: GangwayDS on an H2 file in the server's data dir, the
 * schema created at deployment, and the proxy unaffected by the persistence unit beside it. The registry checks
 * themselves are in {@link KeyRegistryChecks}.
 */
@ExtendWith(ArquillianExtension.class)
class KeyRegistryIT extends KeyRegistryChecks {

    private static final String[] DATASOURCE = {"subsystem", "datasources", "data-source", "GangwayDS"};

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void datasourceIsAnH2FileInTheDataDirWithOverridableSettings() throws Exception {
        ModelNode ds = ManagementApi.result("read-resource", DATASOURCE);

        assertEquals("java:jboss/datasources/GangwayDS", ds.get("jndi-name").asString());
        assertEquals("h2", ds.get("driver-name").asString());
        assertEquals("${gangway.db.url:jdbc:h2:file:${jboss.server.data.dir}/gangway/registry;DB_CLOSE_ON_EXIT=FALSE}",
                ds.get("connection-url").asString());
        assertEquals("${gangway.db.user:sa}", ds.get("user-name").asString());
        // The registry wrote to it: the database file exists where the URL says.
        RegistryEndpoint.signIn(person("h2"), false);
        Path file = ItServer.serverDir().resolve("standalone/data/gangway/registry.mv.db");
        assertTrue(Files.isRegularFile(file), file + " missing");
    }

    /**
     * The endpoint exists only because the IT server runs with {@code -Dgangway.test-endpoints=true}: with the property
     * false (as good as absent) the redeployed EAR maps nothing there, while the rest of the base host still answers.
     * (Switched on, the same POST answers 200 with JSON and GET 405.) An account written before the redeployments is
     * still there after them: the registry's data outlives the deployment.
     * The property is then set back to true in the model rather than removed, because removing a model system
     * property clears the JVM's {@code -D} value too.
     */
    @Test
    void theTestEndpointIsAbsentWithoutItsSystemProperty() throws Exception {
        String[] property = {"system-property", "gangway.test-endpoints"};
        String kept = person("kept");
        ModelNode before = RegistryEndpoint.signIn(kept, false);
        ManagementApi.result("add", property, "value", "false");
        try {
            redeploy();

            HttpResponse<String> post = Visitor.send(HttpRequest.newBuilder(ItServer.url(RegistryEndpoint.PATH
                    + "account")).POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"x\"}")));
            HttpResponse<String> get = Visitor.get(RegistryEndpoint.PATH + "account");

            // What the servlet container's default servlet answers where nothing is mapped: no file (GET), no POST.
            assertEquals(405, post.statusCode(), post.body());
            assertEquals(404, get.statusCode(), get.body());
            assertEquals(200, Visitor.get("/healthz").statusCode());
        } finally {
            ManagementApi.result("write-attribute", property, "name", "value", "value", "true");
            redeploy();
        }
        // Back, with what was written before the two redeployments.
        RegistryEndpoint.Answer after = RegistryEndpoint.call("account", "subject", kept);
        assertEquals(200, after.status(), after.describe());
        assertEquals(before.get("createdAt").asString(), after.body().get("createdAt").asString());
    }

    private static void redeploy() throws Exception {
        ManagementApi.result("redeploy", new String[] {"deployment", GangwayDeployment.NAME});
    }
}
