package dev.gangway.connector.tunnel;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds a tunnel's key, the DNS label {@code <part>-<clientId>}, exactly as PROTOCOL.md ("Tunnel key") and Preevy do,
 * so that a client computes the same host name it will be served on.
 *
 * <p>Lengths and indexes count UTF-16 code units, as JavaScript does, which is also what {@link String#length()}
 * counts; a character outside the BMP therefore cleans to two {@code -}.
 */
public final class TunnelKeys {

    /** A DNS label is at most 63 octets. */
    public static final int MAX_LABEL_LENGTH = 63;

    /** What the hashed form appends: {@code "-"} and four digest characters. */
    private static final int HASH_SUFFIX_LENGTH = 5;

    private TunnelKeys() {
    }

    /**
     * The key of tunnel {@code name} (the request path without {@code #…} and without its leading {@code /}) for
     * client {@code clientId}.
     */
    public static String key(String name, String clientId) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clientId, "clientId");
        int max = MAX_LABEL_LENGTH - clientId.length() - 1;
        if (max < HASH_SUFFIX_LENGTH + 1) {
            throw new IllegalArgumentException("clientId '" + clientId + "' leaves no room for a name in a DNS label");
        }
        String cleaned = clean(name);
        String part;
        if (cleaned.equals(name) && name.length() <= max) {
            part = name;
        } else {
            String digest = clean(Base64.getUrlEncoder().withoutPadding().encodeToString(md5(utf8(name))));
            part = cleaned.substring(0, Math.min(cleaned.length(), max - HASH_SUFFIX_LENGTH))
                    + "-" + digest.substring(0, HASH_SUFFIX_LENGTH - 1);
        }
        return part + "-" + clientId;
    }

    /** Replaces every UTF-16 code unit outside {@code [A-Za-z0-9_-]} with {@code -}, and lower-cases. */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + ('a' - 'A')));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                out.append(c);
            } else {
                out.append('-');
            }
        }
        return out.toString();
    }

    /**
     * UTF-8 as Node encodes a JavaScript string: a lone surrogate becomes U+FFFD ({@code EF BF BD}), where
     * {@link String#getBytes} would write {@code ?} and give another digest.
     */
    private static byte[] utf8(String s) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD});
        try {
            ByteBuffer bytes = encoder.encode(CharBuffer.wrap(s));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            // REPLACE on both error kinds means the encoder never reports one.
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5 (MessageDigest javadoc), so this is a broken JRE.
            throw new IllegalStateException("the JRE has no MD5 MessageDigest", e);
        }
    }
}
