package dev.gangway.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.dmr.ModelNode;

import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.Poll;

/**
 * One WildFly node of a cluster IT: the provisioned server started as its own process with the cluster profile
 * ({@code standalone-cluster.xml}), a base directory of its own under {@code target/cluster-it/<name>}, a port offset
 * and the EAR in its deployment scanner's directory. Stopped gracefully ({@code :shutdown}: the adapter releases its
 * tunnels and disconnects its clients) or killed ({@code SIGKILL} to the JVM, as a crash).
 */
final class ClusterNode {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final String name;
    private final int offset;
    private final Path base;
    private final ClusterSettings settings;
    private final List<String> extraProperties;
    private Process script;
    private long jvmPid;

    ClusterNode(String name, int offset, Path base, ClusterSettings settings) {
        this(name, offset, base, settings, List.of());
    }

    /** A node started with further {@code -Dname=value} arguments after the usual ones (which they override). */
    ClusterNode(String name, int offset, Path base, ClusterSettings settings, List<String> extraProperties) {
        this.name = name;
        this.offset = offset;
        this.base = base;
        this.settings = settings;
        this.extraProperties = List.copyOf(extraProperties);
    }

    String name() {
        return name;
    }

    int httpPort() {
        return 8080 + offset;
    }

    int managementPort() {
        return 9990 + offset;
    }

    int sshPort() {
        return 2222 + offset;
    }

    int tlsPort() {
        return 8443 + offset;
    }

    int jgroupsPort() {
        return 7600 + offset;
    }

    /** Where other nodes reach this node's JGroups port: the test's relay in front of it (see {@link TcpRelay}). */
    int advertisedJgroupsPort() {
        return jgroupsPort() + ClusterSettings.RELAY_PORT_DELTA;
    }

    Path log() {
        return base.resolve("log/server.log");
    }

    /** Starts the node (a fresh base directory, the EAR deployed at boot); {@link #awaitDeployed} waits for it. */
    void start(List<ClusterNode> members) throws Exception {
        if (script != null && script.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        Path config = base.resolve("configuration");
        if (!Files.isDirectory(config)) {
            copyTree(settings.serverDir().resolve("standalone/configuration"), config);
        }
        Files.createDirectories(base.resolve("deployments"));
        Files.createDirectories(base.resolve("log"));
        try (var markers = Files.newDirectoryStream(base.resolve("deployments"), "proxy-ear.ear.*")) {
            for (Path marker : markers) {
                Files.delete(marker);
            }
        }
        Files.copy(settings.ear(), base.resolve("deployments/proxy-ear.ear"), StandardCopyOption.REPLACE_EXISTING);
        Path pidFile = base.resolve("jvm.pid");
        Files.deleteIfExists(pidFile);

        List<String> hosts = new ArrayList<>();
        for (ClusterNode member : members) {
            hosts.add("127.0.0.1[" + member.advertisedJgroupsPort() + "]");
        }
        List<String> command = new ArrayList<>(List.of(
                settings.serverDir().resolve("bin/standalone.sh").toString(),
                "-c", "standalone-cluster.xml",
                "-Djboss.server.base.dir=" + base,
                "-Djboss.node.name=" + name,
                "-Djboss.tx.node.id=" + name,
                "-Djboss.socket.binding.port-offset=" + offset,
                "-Dgangway.ssh.port=" + sshPort(),
                "-Dgangway.tls.port=" + tlsPort(),
                "-Dgangway.base-url=" + settings.baseUrl(),
                "-Dgangway.cluster.name=" + settings.clusterName(),
                "-Dgangway.cluster.hosts=" + String.join(",", hosts),
                "-Dgangway.cluster.external-port=" + advertisedJgroupsPort(),
                "-Dgangway.cluster.secret=" + settings.secret(),
                "-Dgangway.peer.port=" + ClusterSettings.PEER_PORT,
                "-Dgangway.shared.dir=" + settings.sharedDir()));
        command.addAll(extraProperties);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("log/console.log").toFile());
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        builder.environment().put("JBOSS_PIDFILE", pidFile.toString());
        builder.environment().put("JAVA_OPTS", "-Xms64m -Xmx384m -Djava.net.preferIPv4Stack=true");
        script = builder.start();
        String pid = Poll.until(Duration.ofSeconds(20), name + "'s JVM pid in " + pidFile,
                () -> Files.exists(pidFile) ? Files.readString(pidFile).trim() : "", text -> !text.isEmpty());
        jvmPid = Long.parseLong(pid);
    }

    /** Waits until the EAR is deployed; fails with the reason if it failed or the node exited. */
    void awaitDeployed() throws Exception {
        Path deployed = base.resolve("deployments/proxy-ear.ear.deployed");
        Path failed = base.resolve("deployments/proxy-ear.ear.failed");
        Poll.until(START_TIMEOUT, Duration.ofMillis(500), name + " deployed (see " + log() + ")", () -> {
            if (Files.exists(failed)) {
                throw new AssertionError(name + ": deployment failed: " + Files.readString(failed));
            }
            if (!isAlive()) {
                throw new AssertionError(name + " exited; see " + log());
            }
            return Files.exists(deployed);
        }, Boolean::booleanValue);
    }

    boolean isAlive() {
        return ProcessHandle.of(jvmPid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A crash: SIGKILL to the JVM, no shutdown hook, sockets closed by the kernel. */
    void kill() throws InterruptedException {
        ProcessHandle.of(jvmPid).ifPresent(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(30));
    }

    /** A graceful shutdown through management, waiting for the JVM to exit. */
    void shutdown() throws Exception {
        if (!isAlive()) {
            return;
        }
        try {
            ManagementApi.executeOn(managementPort(), "shutdown", new String[0]);
        } catch (IOException e) {
            // The connection may drop as the server goes down; the exit below is what counts.
        }
        if (!awaitExit(Duration.ofSeconds(60))) {
            kill();
        }
    }

    private boolean awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (script != null) {
            script.waitFor(5, TimeUnit.SECONDS);
        }
        return !isAlive();
    }

    /** The node names of this node's current JGroups view (the default channel, which the directory's cache uses). */
    List<String> view() throws IOException {
        ModelNode view = ManagementApi.resultOn(managementPort(), "read-attribute",
                new String[] {"subsystem", "jgroups", "channel", "ee"}, "name", "view");
        // "[node1|3] (2) [node1(v=16.0.5), node2(v=16.0.5)]": Infinispan adds its version to each member's name. A
        // merge view goes on with its subgroups ("MergeView::[node2|5] (2) [node2, node1], 2 subgroups: ..."), so the
        // members are the first list after the member count.
        String text = view.asString();
        int start = text.indexOf(") [") + 3;
        String members = text.substring(start, text.indexOf(']', start));
        List<String> names = new ArrayList<>();
        for (String member : members.split(",")) {
            String name = member.replaceAll("\\(.*\\)", "").trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    Optional<String> viewOrEmpty() {
        try {
            return Optional.of(String.join(",", view()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return name + "(http " + httpPort() + ", ssh " + sshPort() + ")";
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
