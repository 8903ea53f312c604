package dev.gangway.connector.ssh;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real OpenSSH client and key generator for the in-JVM tests: keys made by {@code ssh-keygen}, {@code ssh}
 * processes pointed at the test server with no user configuration, all of them killed by {@link #close()}.
 */
public final class OpenSsh implements AutoCloseable {

    static final Path SSH = Path.of("/usr/bin/ssh");
    static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

    private final List<Process> processes = new ArrayList<>();

    public static boolean installed() {
        return Files.isExecutable(SSH) && Files.isExecutable(SSH_KEYGEN);
    }

    /** A new unencrypted ed25519 identity at {@code file} (and {@code file.pub}). */
    public static Path keygen(Path file) throws Exception {
        Process keygen = new ProcessBuilder(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-f",
                file.toString()).redirectErrorStream(true).start();
        assertEquals(0, keygen.waitFor());
        return file;
    }

    /** The public key line of an identity made by {@link #keygen}, without its comment. */
    public static String publicKeyLine(Path identity) throws Exception {
        String[] fields = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+");
        return fields[0] + " " + fields[1];
    }

    /** The fingerprint as {@code ssh-keygen -l} prints it: the independent reference for the server's. */
    public static String fingerprint(Path identity) throws Exception {
        Process keygen = new ProcessBuilder(SSH_KEYGEN.toString(), "-l", "-E", "sha256", "-f", identity + ".pub")
                .redirectErrorStream(true).start();
        String out = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keygen.waitFor(), out);
        return out.trim().split("\\s+")[1];
    }

    /**
     * Starts {@code ssh} as user {@code env1} against 127.0.0.1:{@code port} with this identity only. Options first,
     * then the remote command if the last argument is not an option.
     */
    public Process ssh(int port, Path identity, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SSH.toString(), "-F", "/dev/null", "-i", identity.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes",
                "-p", Integer.toString(port), "-l", "env1"));
        List<String> rest = new ArrayList<>(List.of(args));
        int commandAt = rest.isEmpty() || rest.get(rest.size() - 1).startsWith("-") ? rest.size() : rest.size() - 1;
        command.addAll(rest.subList(0, commandAt));
        command.add("127.0.0.1");
        command.addAll(rest.subList(commandAt, rest.size()));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        synchronized (processes) {
            processes.add(process);
        }
        return process;
    }

    /** The first line {@code ssh} prints (the {@code hello} JSON), or a failure after 20 s. */
    public static String firstLine(Process ssh) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(20, TimeUnit.SECONDS);
    }

    /** What an exited {@code ssh} wrote to stderr; empty while it runs. */
    public static String stderr(Process process) throws Exception {
        return process.isAlive() ? "" : new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        synchronized (processes) {
            processes.forEach(Process::destroyForcibly);
        }
    }
}
