package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
