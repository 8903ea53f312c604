package dev.gangway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code curl}, run to its end: its exit status and output, for HTTPS and HTTP/2 as browsers speak them. */
public final class CurlRun {

    public static final String CURL = "/usr/bin/curl";

    /** What curl did. */
    public record Result(int exitStatus, String stdout, String stderr, List<String> command) {

        public String describe() {
            return "\n  command: " + String.join(" ", command) + "\n  exit: " + exitStatus + "\n  stdout: " + stdout
                    + "\n  stderr: " + stderr;
        }
    }

    private CurlRun() {
    }

    /** Runs {@code curl --silent --show-error <arguments>}, at most 60 s. */
    public static Result run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CURL, "--silent", "--show-error", "--max-time", "60"));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile("gangway-it-curl", ".out");
        Path err = Files.createTempFile("gangway-it-curl", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(Duration.ofSeconds(70).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return new Result(process.isAlive() ? -1 : process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                    command);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
