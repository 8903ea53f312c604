package dev.gangway.connector.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * How a client key is named outside the SSH layer: its fingerprint exactly as {@code ssh-keygen -l} prints it, and
 * its OpenSSH public key line. Computed here rather than with MINA's fingerprint helper so that the format the key
 * registry matches on is fixed in one place, whatever MINA's default digest becomes.
 */
final class KeyFingerprints {

    private KeyFingerprints() {
    }

    /** {@code SHA256:<base64 without padding of SHA-256(wire-format key blob)>}. */
    static String fingerprint(PublicKey key) {
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha256(blob(key)));
    }

    /** {@code <type> <base64 blob>}, as in an {@code authorized_keys} or {@code .pub} file, without comment. */
    static String openSshLine(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + Base64.getEncoder().encodeToString(blob(key));
    }

    static String type(PublicKey key) {
        return KeyUtils.getKeyType(key);
    }

    private static byte[] blob(PublicKey key) {
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return buffer.getCompactData();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest javadoc), so this is a broken JRE.
            throw new IllegalStateException("the JRE has no SHA-256 MessageDigest", e);
        }
    }
}
