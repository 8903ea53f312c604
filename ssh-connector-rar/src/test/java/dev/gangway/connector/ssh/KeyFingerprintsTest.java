package dev.gangway.connector.ssh;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fingerprint and key line the key registry matches on are exactly what OpenSSH's own tools print. */
class KeyFingerprintsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"ed25519,256", "ecdsa,256", "ecdsa,384", "ecdsa,521", "rsa,2048"})
    void fingerprintAndLineMatchSshKeygen(String type, int bits) throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH not installed");
        Path identity = dir.resolve("id_" + type + bits);
        Process keygen = new ProcessBuilder(OpenSsh.SSH_KEYGEN.toString(), "-q", "-t", type, "-b",
                Integer.toString(bits), "-N", "", "-C", "someone@example", "-f", identity.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, keygen.waitFor());
        PublicKey key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(Path.of(identity + ".pub")).trim())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);

        assertEquals(OpenSsh.fingerprint(identity), KeyFingerprints.fingerprint(key));
        assertEquals(OpenSsh.publicKeyLine(identity), KeyFingerprints.openSshLine(key));
    }
}
