package dev.gangway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A fresh client key made by the real {@code ssh-keygen}, in its own temporary directory (deleted on close), so that
 * each test is a new client with its own clientId.
 */
public final class SshKeyPair implements AutoCloseable {

    private final Path dir;
    private final Path privateKey;
    private final String publicKeyLine;

    private SshKeyPair(Path dir, Path privateKey, String publicKeyLine) {
        this.dir = dir;
        this.privateKey = privateKey;
        this.publicKeyLine = publicKeyLine;
    }

    /** An ed25519 key without a passphrase. */
    public static SshKeyPair ed25519() throws IOException, InterruptedException {
        return generate("ed25519");
    }

    /** A key of any type {@code ssh-keygen -t} knows, e.g. {@code ecdsa} or {@code rsa}. */
    public static SshKeyPair generate(String type) throws IOException, InterruptedException {
        return generate(type, 0);
    }

    /** A key of {@code type} with {@code bits} ({@code ssh-keygen -b}), or ssh-keygen's default size for 0. */
    public static SshKeyPair generate(String type, int bits) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gangway-it-key");
        Path key = dir.resolve("id_" + type);
        try {
            if (bits > 0) {
                sshKeygen("ssh-keygen", "-q", "-t", type, "-b", Integer.toString(bits), "-N", "", "-C", "gangway-it",
                        "-f", key.toString());
            } else {
                sshKeygen("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "gangway-it", "-f", key.toString());
            }
        } catch (IOException e) {
            TempDirs.deleteTree(dir);
            throw e;
        }
        String pub = Files.readString(dir.resolve(key.getFileName() + ".pub"), StandardCharsets.US_ASCII).trim();
        return new SshKeyPair(dir, key, pub);
    }

    /** The key's SHA-256 fingerprint as {@code ssh-keygen -l -E sha256} prints it, e.g. {@code SHA256:abc...}. */
    public String sshKeygenFingerprint() throws IOException, InterruptedException {
        String listing = sshKeygen("ssh-keygen", "-l", "-E", "sha256", "-f", privateKey + ".pub");
        return listing.split(" ")[1];
    }

    private static String sshKeygen(String... command) throws IOException, InterruptedException {
        Process keygen = new ProcessBuilder(command).redirectErrorStream(true).start();
        keygen.getOutputStream().close();
        String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            keygen.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output.strip();
    }

    /** The private key file, for {@code ssh -i}. */
    public Path privateKey() {
        return privateKey;
    }

    /** The OpenSSH public key line: {@code <type> <base64 blob> <comment>}. */
    public String publicKeyLine() {
        return publicKeyLine;
    }

    /** The SSH wire-format public key blob. */
    public byte[] publicKeyBlob() {
        return Base64.getDecoder().decode(publicKeyLine.split(" ")[1]);
    }

    /**
     * The clientId the server must derive from this key (PROTOCOL.md): the first 8 characters, lowercased, of
     * base64url(SHA-1(blob)) with every {@code _} and {@code -} removed. Computed here independently of the server
     * code, so a test comparing the two checks the server.
     */
    public String clientId() {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(publicKeyBlob());
            String b64 = Base64.getUrlEncoder().encodeToString(sha1).replace("_", "").replace("-", "");
            return b64.substring(0, 8).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    @Override
    public void close() throws IOException {
        TempDirs.deleteTree(dir);
    }
}
