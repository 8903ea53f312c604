package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.JbossCli;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.PostgreSqlCluster;
import dev.gangway.it.support.RegistryEndpoint;
import dev.gangway.it.support.ServerReload;
import dev.gangway.it.support.SshKeyPair;

/**
 * The key registry on a real PostgreSQL (Debian's package, a throwaway cluster on a free loopback port), reached
 * through WildFly's datasource as an operator configures it: the shared IT server is switched over by
 * wildfly-config's own {@code datasource-postgresql.cli} (run with the server's jboss-cli against its management
 * port, the JDBC driver deployed from Maven's copy), the connection settings given as system properties, then
 * {@code :reload}. The registry checks of {@link KeyRegistryChecks} then run on PostgreSQL. Afterwards the datasource
 * gets back exactly the attributes it had, the driver is undeployed and the server reloaded onto H2, so the classes
 * after this one see the server as it was; only these tests run twice, not the suite.
 */
@ExtendWith(ArquillianExtension.class)
class KeyRegistryPostgreSqlIT extends KeyRegistryChecks {

    private static final String[] DATASOURCE = {"subsystem", "datasources", "data-source", "GangwayDS"};
    private static final String[] DRIVER_DEPLOYMENT = {"deployment", "postgresql.jar"};
    private static final String DATABASE = "gangway";
    private static final String USER = "gangway_app";
    private static final String PASSWORD = "it-" + java.util.UUID.randomUUID();
    private static final String ENV = "pg-env";

    private static PostgreSqlCluster postgres;
    private static ModelNode h2Datasource;
    private static final Set<String> ADDED_PROPERTIES = new LinkedHashSet<>();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void switchToPostgreSql() throws Exception {
        postgres = PostgreSqlCluster.start(DATABASE, USER, PASSWORD);
        h2Datasource = ManagementApi.result("read-resource", DATASOURCE, "include-defaults", false);
        setProperty("gangway.db.url", postgres.jdbcUrl(DATABASE));
        setProperty("gangway.db.user", USER);
        setProperty("gangway.db.password", PASSWORD);
        Path driver = Path.of(System.getProperty("gangway.it.postgresql-driver", "target/jdbc/postgresql.jar"));
        assertTrue(Files.isRegularFile(driver), driver + " missing: run the ITs through Maven");
        JbossCli.runScript(JbossCli.script("datasource-postgresql.cli"),
                "gangway.postgresql.driver=" + driver.toAbsolutePath());
        try (SshKeyPair anyKey = SshKeyPair.ed25519()) {
            ServerReload.reloadAndAwaitLogin(anyKey, ENV);
        }
    }

    @AfterAll
    static void backToH2() throws Exception {
        try {
            if (h2Datasource != null) {
                restoreAttributes();
            }
            for (String property : ADDED_PROPERTIES) {
                ManagementApi.execute("remove", new String[] {"system-property", property});
            }
            try (SshKeyPair anyKey = SshKeyPair.ed25519()) {
                ServerReload.reloadAndAwaitLogin(anyKey, ENV);
            }
            if ("success".equals(ManagementApi.execute("read-resource", DRIVER_DEPLOYMENT).get("outcome")
                    .asString())) {
                ManagementApi.result("remove", DRIVER_DEPLOYMENT);
            }
            assertEquals("h2", ManagementApi.result("read-attribute", DATASOURCE, "name", "driver-name").asString());
            RegistryEndpoint.signIn(person("back-on-h2"), false);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void theRegistryWritesToPostgreSqlThroughTheDatasource() throws Exception {
        assertEquals("postgresql.jar", ManagementApi.result("read-attribute", DATASOURCE, "name", "driver-name")
                .asString());
        ManagementApi.result("test-connection-in-pool", DATASOURCE);
        String owner = person("pg");
        RegistryEndpoint.signIn(owner, false, "developers");
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            addKey(owner, key, "pg key");

            String row = postgres.psql(DATABASE, "SELECT k.owner_subject || ' ' || k.name || ' ' || g.group_name "
                    + "FROM gangway_key k JOIN gangway_account_group g ON g.subject = k.owner_subject "
                    + "WHERE k.fingerprint = '" + key.sshKeygenFingerprint() + "'").strip();

            assertEquals(owner + " pg key developers", row, postgres.log());
        }
        // Created at deployment by the application's own role, the database's owner: no superuser needed.
        assertEquals(USER, postgres.psql(DATABASE,
                "SELECT tableowner FROM pg_tables WHERE tablename = 'gangway_key'").strip());
    }

    private static void setProperty(String name, String value) throws Exception {
        ManagementApi.result("add", new String[] {"system-property", name}, "value", value);
        ADDED_PROPERTIES.add(name);
    }

    /** Puts back every attribute the script changed: the old value where there was one, else undefined. */
    private static void restoreAttributes() throws Exception {
        ModelNode now = ManagementApi.result("read-resource", DATASOURCE, "include-defaults", false);
        Set<String> names = new LinkedHashSet<>(h2Datasource.keys());
        names.addAll(now.keys());
        for (String name : names) {
            ModelNode before = h2Datasource.get(name);
            if (before.equals(now.get(name)) || name.equals("connection-properties")) {
                continue;
            }
            if (before.isDefined()) {
                ManagementApi.result("write-attribute", DATASOURCE, "name", name, "value", before);
            } else {
                ManagementApi.result("undefine-attribute", DATASOURCE, "name", name);
            }
        }
    }
}
