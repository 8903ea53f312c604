package dev.gangway.accounts.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ssh-keygen}: makes keys and certificates and says what it thinks their fingerprint is, so that the
 * parser is checked against OpenSSH rather than against itself.
 */
final class SshKeygen {

    /** What {@code ssh-keygen -l -E sha256} prints for a key: {@code <bits> <fingerprint> <comment> (<TYPE>)}. */
    record Listing(int bits, String fingerprint) {
    }

    private final Path dir;
    private int count;

    SshKeygen(Path dir) {
        this.dir = dir;
    }

    /** A new key pair; returns the public key file. {@code bits} may be 0 for the type's default. */
    Path generate(String type, int bits, String comment) throws IOException, InterruptedException {
        Path key = dir.resolve("key" + (++count) + "_" + type);
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment,
                "-f", key.toString()));
        if (bits > 0) {
            command.addAll(List.of("-b", Integer.toString(bits)));
        }
        run(command);
        return Path.of(key + ".pub");
    }

    /** Signs {@code publicKey} with a new CA key; returns the certificate file ({@code ...-cert.pub}). */
    Path certify(Path publicKey) throws IOException, InterruptedException {
        Path ca = generate("ed25519", 0, "ca").resolveSibling("key" + count + "_ed25519");
        run(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", "test-cert", "-n", "someone",
                publicKey.toString()));
        String name = publicKey.getFileName().toString();
        return publicKey.resolveSibling(name.substring(0, name.length() - ".pub".length()) + "-cert.pub");
    }

    Listing list(Path publicKey) throws IOException, InterruptedException {
        String[] fields = run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString())).split(" ");
        return new Listing(Integer.parseInt(fields[0]), fields[1]);
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output.strip();
    }
}
