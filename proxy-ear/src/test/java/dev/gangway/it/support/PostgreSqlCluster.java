package dev.gangway.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from Debian's {@code postgresql} package: its own cluster ({@code initdb}) in a
 * temporary directory, listening on 127.0.0.1 on a free port with its socket in that directory, so it never meets
 * the machine's own PostgreSQL or another test run. {@link #close()} stops it and deletes the directory; a JVM
 * shutdown hook does the same if a run is cut short.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then every PostgreSQL command runs as the unprivileged
 * {@code postgres} user (which the package creates) through {@code runuser}, and the directory is handed to it.
 *
 * <p>One superuser ({@code admin}, trusted on the socket only, for {@link #psql}) and one application role that owns
 * the database and logs in over TCP with a password (scram-sha-256), as an operator would set it up.
 */
public final class PostgreSqlCluster implements AutoCloseable {

    private static final String SUPERUSER = "admin";
    private static final String RUN_AS = "postgres";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asRoot;
    private final Thread shutdownHook;
    private boolean running;

    private PostgreSqlCluster(Path dir, Path bin, int port, boolean asRoot) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asRoot = asRoot;
        this.shutdownHook = new Thread(this::stopQuietly, "postgresql-test-cluster-stop");
    }

    /**
     * Makes and starts a cluster with database {@code database} owned by {@code user}, who logs in with
     * {@code password}.
     */
    public static PostgreSqlCluster start(String database, String user, String password) throws Exception {
        Path bin = binaries();
        boolean asRoot = "0".equals(run(List.of("id", "-u"), null).strip());
        Path dir = Files.createTempDirectory("gangway-pg");
        PostgreSqlCluster cluster = new PostgreSqlCluster(dir, bin, freePort(), asRoot);
        try {
            if (asRoot) {
                UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(RUN_AS);
                Files.setOwner(dir, owner);
            }
            cluster.pg(List.of(bin.resolve("initdb").toString(), "-D", cluster.dataDir().toString(), "-U", SUPERUSER,
                    "-E", "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256"));
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            cluster.running = true;
            // pg_ctl's output to a file: the server it starts inherits its stdout, and a pipe to us would stay open.
            cluster.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.dataDir().toString(),
                    "-l", dir.resolve("postgresql.log").toString(), "-w", "-t", "60",
                    "-o", "-p " + cluster.port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"));
            cluster.psql("postgres", "CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
            cluster.psql("postgres", "CREATE DATABASE " + database + " OWNER " + user);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs SQL as the superuser over the socket; returns the rows unaligned, one per line, fields split by |. */
    public String psql(String database, String sql) throws IOException, InterruptedException {
        return pg(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", dir.toString(), "-p", Integer.toString(port), "-U", SUPERUSER, "-d", database, "-c", sql));
    }

    /** The server's own log, for a failure message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("postgresql.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        try {
            if (running) {
                pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir().toString(), "-m", "fast", "-w",
                        "-t", "60", "stop"));
                running = false;
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // Shutting down already, or never registered.
            }
            TempDirs.deleteTree(dir);
        }
    }

    private void stopQuietly() {
        try {
            close();
        } catch (IOException | InterruptedException e) {
            System.err.println("Could not stop the test PostgreSQL in " + dir + ": " + e);
        }
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    /** A PostgreSQL command, as the unprivileged user when we are root, in the cluster's directory. */
    private String pg(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(command);
        return run(full, dir);
    }

    private static String run(List<String> command, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Path output = Files.createTempFile("gangway-pg-cmd", ".out");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 90 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                        + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * Debian keeps the server programs out of PATH, in /usr/lib/postgresql/&lt;major&gt;/bin; the newest installed
     * major wins. {@code -Dgangway.it.postgresql.bin=...} points elsewhere.
     */
    private static Path binaries() throws IOException {
        String configured = System.getProperty("gangway.it.postgresql.bin");
        if (configured != null) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> majors = Files.list(root)) {
                var newest = majors.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            }
        }
        throw new IOException("No PostgreSQL server programs under /usr/lib/postgresql/<major>/bin: install Debian's "
                + "postgresql package (apt-get install postgresql; .ci/run does) or set -Dgangway.it.postgresql.bin");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
