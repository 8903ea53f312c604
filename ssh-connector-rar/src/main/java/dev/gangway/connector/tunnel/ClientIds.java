package dev.gangway.connector.tunnel;

import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Derives a client's id from its SSH public key, exactly as Preevy does (PROTOCOL.md "clientId"): the first 8
 * characters, lower-cased, of base64url(SHA-1(wire-format key blob)) once every {@code _} and {@code -} is removed.
 * Every tunnel key of the client ends with it, so it must be stable across servers and releases.
 */
public final class ClientIds {

    /** How many characters of the digest make the id. */
    public static final int LENGTH = 8;

    private ClientIds() {
    }

    /**
     * The id of a key MINA has already decoded (the authenticated session's key).
     *
     * @throws IllegalArgumentException if MINA cannot encode this key type in SSH wire format
     */
    public static String fromPublicKey(PublicKey key) {
        Objects.requireNonNull(key, "key");
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        try {
            buffer.putRawPublicKey(key);
        } catch (RuntimeException e) {
            // MINA reports unsupported key types as unchecked exceptions; name the type so the caller can tell.
            throw new IllegalArgumentException("cannot encode a " + key.getAlgorithm() + " key in SSH wire format", e);
        }
        return fromKeyBlob(buffer.getCompactData());
    }

    /** The id of an SSH wire-format public key blob (the base64 field of an OpenSSH {@code .pub} line, decoded). */
    public static String fromKeyBlob(byte[] sshWireBlob) {
        Objects.requireNonNull(sshWireBlob, "sshWireBlob");
        if (sshWireBlob.length == 0) {
            throw new IllegalArgumentException("empty SSH public key blob");
        }
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(sha1(sshWireBlob));
        String alphanumeric = encoded.replace("_", "").replace("-", "");
        // 27 base64 characters minus at most a handful of '_'/'-': always at least 8 left in practice, but a
        // digest made mostly of those two would otherwise throw; take what there is.
        return alphanumeric.substring(0, Math.min(LENGTH, alphanumeric.length())).toLowerCase(Locale.ROOT);
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-1 (MessageDigest javadoc), so this is a broken JRE.
            throw new IllegalStateException("the JRE has no SHA-1 MessageDigest", e);
        }
    }
}
