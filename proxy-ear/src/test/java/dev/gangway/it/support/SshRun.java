package dev.gangway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code ssh} command run to its end, as a script runs it ({@code ssh host hello}, {@code ssh -O cancel ...}):
 * its exit status and its whole, raw output (line ends included, which {@link SshProcess} strips). stdin is empty.
 * Same options as {@link SshProcess}.
 */
public final class SshRun {

    /** What the command did. */
    public record Result(int exitStatus, String stdout, String stderr, List<String> command) {

        /** The command line and both outputs, for assertion messages. */
        public String describe() {
            return "\n  command: " + String.join(" ", command) + "\n  exit: " + exitStatus
                    + "\n  stdout: " + stdout + "\n  stderr: " + stderr;
        }
    }

    private SshRun() {
    }

    /** Runs ssh and waits at most {@code timeout} for it to exit; a hang kills it and fails. */
    public static Result run(SshKeyPair key, String envId, List<String> sshOptions, Duration timeout,
                             String... remoteCommand) throws IOException, InterruptedException, TimeoutException {
        List<String> command = SshProcess.command(key, envId, sshOptions, remoteCommand);
        // Files, not pipes: nothing to pump, and no deadlock whatever ssh prints.
        Path out = Files.createTempFile("gangway-it-ssh", ".out");
        Path err = Files.createTempFile("gangway-it-ssh", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new TimeoutException("ssh still running after " + timeout + ": " + String.join(" ", command)
                        + "\n  stderr: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), command);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
