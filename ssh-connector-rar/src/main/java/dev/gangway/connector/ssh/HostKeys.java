package dev.gangway.connector.ssh;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;

/**
 * The server's host key: read from its file, or generated once and written there (PROTOCOL.md: the fingerprint
 * must survive restarts). Written in OpenSSH's private key format, so an operator can inspect it with
 * {@code ssh-keygen -l -f}. Unlike MINA's generating provider this never overwrites an existing file it cannot read:
 * a silently new host key would make every client refuse the server, so a bad file fails the start instead.
 */
final class HostKeys {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private HostKeys() {
    }

    /** Reads the key pair in {@code file}, or creates and persists one if the file does not exist. */
    static KeyPair loadOrCreate(Path file) throws IOException {
        return Files.exists(file) ? load(file) : create(file);
    }

    static String fingerprint(KeyPair keyPair) {
        return KeyUtils.getFingerPrint(keyPair.getPublic());
    }

    static String type(KeyPair keyPair) {
        return KeyUtils.getKeyType(keyPair);
    }

    private static KeyPair load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                    in, null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new IOException("host key file " + file + " holds no private key; remove it to have a new "
                        + "key generated, or put the server's OpenSSH private key there");
            }
            return it.next();
        } catch (GeneralSecurityException e) {
            throw new IOException("host key file " + file + " is not an unencrypted OpenSSH/PEM private key: "
                    + e.getMessage(), e);
        }
    }

    private static KeyPair create(Path file) throws IOException {
        KeyPair keyPair = generate();
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Written to a private temp file then moved, so that a crash never leaves a half-written key behind and the
        // key is never readable by others, even for a moment.
        Path tmp = Files.createTempFile(dir, ".hostkey", ".tmp");
        try {
            restrictToOwner(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                new OpenSSHKeyPairResourceWriter().writePrivateKey(keyPair, "gangway host key", null, out);
            }
            if (!publish(tmp, file)) {
                // Another server sharing the file (a cluster node starting at the same moment) made it first: every
                // node must present the same key, so its key is the one.
                KeyPair winner = load(file);
                SshLogger.LOG.hostKeyLoadedAfterRace(file.toString(), fingerprint(winner));
                return winner;
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the new host key for " + file + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
        SshLogger.LOG.hostKeyGenerated(type(keyPair), file.toString(), fingerprint(keyPair));
        return keyPair;
    }

    /**
     * Makes the complete temp file the host key file unless one exists. A hard link is created atomically and fails if
     * the name is taken, so two servers racing see exactly one key; a rename would silently replace the other's key
     * (rename(2) overwrites), leaving the nodes with different keys. Where the file system has no hard links, a plain
     * move that refuses to replace is the best there is.
     *
     * @return false when another file won
     */
    private static boolean publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            try {
                Files.move(tmp, file);
                return true;
            } catch (FileAlreadyExistsException lost) {
                return false;
            }
        }
    }

    /** Ed25519 when MINA has an EdDSA provider (net.i2p eddsa is packaged in the RAR), else ECDSA P-256. */
    private static KeyPair generate() throws IOException {
        try {
            return SecurityUtils.isEDDSACurveSupported()
                    ? KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256)
                    : KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a host key: " + e.getMessage(), e);
        }
    }

    private static void restrictToOwner(Path path) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, OWNER_ONLY);
        }
    }
}
