package dev.gangway.it.cluster;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What every node of the cluster ITs shares, from proxy-ear/pom.xml's failsafe properties (defaults for an IDE): the
 * provisioned server, the EAR, the shared directory (host key, identity key, TLS key store, H2 registry), a cluster
 * name unique to the run (so that no other cluster on the machine can merge with it) and a random cluster secret.
 */
record ClusterSettings(Path serverDir, Path ear, Path workDir, String clusterName, String secret, String baseUrl) {

    /** The node-to-node port is this plus the node's offset (its default, 7700, would be the next node's JGroups). */
    static final int PEER_PORT = 7650;

    /** The key store of the key that encrypts cluster messages, in the shared directory (the profile's default). */
    static final String CLUSTER_KEY_STORE = "gangway-cluster.p12";

    /** A node's JGroups port as the others know it: a {@link TcpRelay} this many ports above the real one. */
    static final int RELAY_PORT_DELTA = 10;

    static ClusterSettings fromSystemProperties() {
        // Absolute: it becomes the nodes' gangway.shared.dir, and H2 refuses a relative database path.
        Path workDir = Path.of(System.getProperty("gangway.it.cluster.dir", "target/cluster-it")).toAbsolutePath();
        String name = System.getProperty("gangway.it.cluster.name", "");
        if (name.isBlank()) {
            name = "gangway-it-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        return new ClusterSettings(
                Path.of(System.getProperty("gangway.it.cluster.server-dir", "../wildfly-config/target/server"))
                        .toAbsolutePath(),
                Path.of(System.getProperty("gangway.it.ear", "target/proxy-ear.ear")).toAbsolutePath(),
                workDir,
                name,
                Base64.getEncoder().encodeToString(secret),
                // Tunnel URLs name node 1, as they would name the load balancer of a real cluster.
                "http://localhost:" + (8080 + offset(1)));
    }

    static int offset(int node) {
        return Integer.getInteger("gangway.it.cluster.offset." + node, 900 + 100 * node);
    }

    Path sharedDir() {
        return workDir.resolve("shared");
    }
}
