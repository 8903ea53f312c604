package dev.gangway.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real OpenSSH client ({@code /usr/bin/ssh}) connected to the IT server, as a tunnel client runs it. It trusts
 * any host key (each IT server makes a new one), never prompts, and fails instead of running without a forward
 * the server refused. stdin stays open, so {@code ssh -R ... hello} keeps holding its tunnel until {@link #close()}.
 *
 * <p>stdout is read line by line for {@link #awaitLine}; stderr is collected for failure messages. Both reader
 * threads end when the process does; {@link #close()} kills it and waits for them.
 */
public final class SshProcess implements AutoCloseable {

    public static final String SSH = "/usr/bin/ssh";

    private final Process process;
    private final List<String> command;
    private final BlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private SshProcess(Process process, List<String> command) {
        this.process = process;
        this.command = command;
        this.stdoutReader = pump(process.getInputStream(), stdoutLines::add, "stdout");
        this.stderrReader = pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), "stderr");
    }

    /**
     * Starts {@code ssh} to the IT server's SSH port as user {@code envId}.
     *
     * @param key         the client key ({@code -i})
     * @param envId       the SSH user name; Preevy's envId, a label only
     * @param sshOptions  options before the destination, e.g. {@code "-R", "/myapp:localhost:3000"}
     * @param remoteCommand the exec command after the destination, e.g. {@code "hello"}; may be empty
     */
    public static SshProcess start(SshKeyPair key, String envId, List<String> sshOptions, String... remoteCommand)
            throws IOException {
        List<String> cmd = command(key, envId, sshOptions, remoteCommand);
        Process process = new ProcessBuilder(cmd).start();
        return new SshProcess(process, cmd);
    }

    /**
     * The command line {@link #start} runs, for tests that run ssh their own way. The caller's options come before
     * the defaults' {@code -o} values so that they win: ssh keeps the first value it sees of an option (e.g. a test
     * may pass {@code -o ExitOnForwardFailure=no}).
     */
    public static List<String> command(SshKeyPair key, String envId, List<String> sshOptions,
                                       String... remoteCommand) {
        List<String> cmd = new ArrayList<>(List.of(SSH,
                "-F", "/dev/null",                  // no user or system client config
                "-T"));                             // never ask for a pty unless told (-tt): the server refuses them
        cmd.addAll(sshOptions);
        cmd.addAll(List.of(
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes",
                "-o", "ExitOnForwardFailure=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "LogLevel=ERROR",             // no "Permanently added ..." noise in stderr
                "-i", key.privateKey().toString(),
                "-p", Integer.toString(ItServer.sshPort())));
        cmd.add(envId + "@" + ItServer.HOST);
        cmd.addAll(List.of(remoteCommand));
        return List.copyOf(cmd);
    }

    /** The next line ssh printed on stdout (the remote command's output), waiting at most {@code timeout}. */
    public String awaitLine(Duration timeout) throws InterruptedException, TimeoutException {
        String line = stdoutLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new TimeoutException("no output from ssh within " + timeout + describe());
        }
        return line;
    }

    /** Waits for ssh to exit and returns its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("ssh still running after " + timeout + describe());
        }
        return process.exitValue();
    }

    /** The ssh process id, e.g. to freeze it with {@link Signals#stop(long)}. */
    public long pid() {
        return process.pid();
    }

    /**
     * Kills ssh at once (SIGKILL), as when a laptop's client crashes: no SSH disconnect is sent, the kernel just
     * closes its socket.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What ssh wrote on stderr so far. */
    public String stderr() {
        return stderr.toString();
    }

    /** The command line and stderr, for assertion messages. */
    public String describe() {
        return "\n  command: " + String.join(" ", command) + "\n  stderr: " + stderr();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        stdoutReader.join(5_000);
        stderrReader.join(5_000);
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The process was killed while we read: its output ends here, which is all this thread waits for.
            }
        }, "ssh-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
