package dev.gangway.it.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.gangway.it.support.Poll;
import dev.gangway.it.support.TempDirs;
import dev.gangway.it.support.Visitor;

/**
 * The nodes of the cluster ITs and the relays in front of their JGroups ports. Nodes are started in parallel (each
 * takes ~30 s of a busy machine's time) and all stopped on {@link #close()}, whatever the tests left running.
 */
final class GangwayCluster implements AutoCloseable {

    private final ClusterSettings settings;
    private final List<ClusterNode> nodes = new ArrayList<>();
    private final List<TcpRelay> relays = new ArrayList<>();

    GangwayCluster(ClusterSettings settings, int size) throws IOException {
        this.settings = settings;
        TempDirs.deleteTree(settings.workDir());
        Files.createDirectories(settings.sharedDir());
        // One certificate for every node, as the README asks of a real cluster.
        Files.copy(settings.serverDir().resolve("standalone/configuration/gangway-tls.p12"),
                settings.sharedDir().resolve("gangway-tls.p12"));
        // The key that encrypts cluster messages, as the README asks an operator to make it.
        createClusterKey(settings.sharedDir().resolve(ClusterSettings.CLUSTER_KEY_STORE), settings.secret());
        for (int i = 1; i <= size; i++) {
            ClusterNode node = new ClusterNode("node" + i, ClusterSettings.offset(i),
                    settings.workDir().resolve("node" + i), settings);
            nodes.add(node);
            TcpRelay relay = new TcpRelay(node.advertisedJgroupsPort(), node.jgroupsPort());
            relay.heal();
            relays.add(relay);
        }
    }

    /**
     * A PKCS12 key store holding a new AES key under the alias the cluster profile reads ({@code gangway-cluster}),
     * with {@code password} as its password, made with the JDK's {@code keytool} as README's operator would.
     */
    static void createClusterKey(Path keyStore, String password) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genseckey", "-alias", "gangway-cluster",
                "-keyalg", "AES", "-keysize", "256", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass:env", "GANGWAY_CLUSTER_SECRET").redirectErrorStream(true);
        builder.environment().put("GANGWAY_CLUSTER_SECRET", password);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.exists(keyStore)) {
                throw new IOException("keytool could not make " + keyStore + ": " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making " + keyStore, e);
        }
    }

    ClusterNode node(int number) {
        return nodes.get(number - 1);
    }

    List<ClusterNode> nodes() {
        return nodes;
    }

    ClusterSettings settings() {
        return settings;
    }

    /** Starts the given nodes at once and waits until every one has deployed. */
    void start(ClusterNode... toStart) throws Exception {
        for (ClusterNode node : toStart) {
            node.start(nodes);
        }
        for (ClusterNode node : toStart) {
            node.awaitDeployed();
        }
    }

    /** Waits until every running node's view lists exactly {@code expected}, in any order. */
    void awaitView(Duration timeout, ClusterNode... expected) throws Exception {
        List<String> names = Stream.of(expected).map(ClusterNode::name).sorted().toList();
        for (ClusterNode node : expected) {
            Poll.until(timeout, Duration.ofMillis(250), node.name() + "'s view to be " + names,
                    () -> node.view().stream().sorted().toList(), names::equals);
        }
    }

    /** Cuts all JGroups traffic between the nodes: each node is a partition of its own until {@link #heal()}. */
    void partition() throws InterruptedException {
        for (TcpRelay relay : relays) {
            relay.cut();
        }
    }

    void heal() throws IOException {
        for (TcpRelay relay : relays) {
            relay.heal();
        }
    }

    /** {@code GET path} on {@code node} for the tunnel host {@code <key>.localhost:<base port>}. */
    HttpResponse<String> get(ClusterNode node, String tunnelKey, String path) throws Exception {
        return Visitor.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + path))
                .header("Host", tunnelHost(tunnelKey)));
    }

    /** {@code GET path} on {@code node}'s base host (Gangway's own pages and APIs). */
    HttpResponse<String> getBase(ClusterNode node, String path) throws Exception {
        return Visitor.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + path))
                .header("Host", URI.create(settings.baseUrl()).getAuthority()));
    }

    String tunnelHost(String tunnelKey) {
        URI base = URI.create(settings.baseUrl());
        return tunnelKey + "." + base.getHost() + ":" + base.getPort();
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (ClusterNode node : nodes) {
            try {
                node.shutdown();
            } catch (Exception e) {
                failure = e;
            }
        }
        for (TcpRelay relay : relays) {
            relay.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
