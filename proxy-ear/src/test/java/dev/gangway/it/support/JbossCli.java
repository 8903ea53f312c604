package dev.gangway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The IT server's own {@code bin/jboss-cli.sh}, connected to its management port as the admin user: runs an
 * operator's CLI script exactly as the README tells operators to, so that a test proves the script, not a copy of
 * its steps.
 */
public final class JbossCli {

    private JbossCli() {
    }

    /** wildfly-config's {@code src/main/cli/<name>}. */
    public static Path script(String name) {
        return Path.of(System.getProperty("gangway.it.cli-dir", "../wildfly-config/src/main/cli")).resolve(name);
    }

    /**
     * Runs {@code script} against the IT server; fails with the CLI's output unless it succeeds.
     *
     * @param systemProperties {@code name=value} pairs passed as {@code -D}, which the script's commands resolve
     */
    public static String runScript(Path script, String... systemProperties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                ItServer.serverDir().resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=remote+http://" + ItServer.HOST + ":" + ItServer.managementPort(),
                "--user=" + ManagementApi.USER, "--password=" + ManagementApi.PASSWORD,
                "--file=" + script.toAbsolutePath()));
        for (String property : systemProperties) {
            command.add("-D" + property);
        }
        Path output = Files.createTempFile("gangway-it-cli", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("jboss-cli.sh --file=" + script + " did not finish in 120 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("jboss-cli.sh --file=" + script + " failed (exit " + process.exitValue()
                        + "):\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
