package dev.gangway.connector.tunnel;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The expected ids were computed once, outside Java, from the checked-in {@code .pub} files (made with
 * {@code ssh-keygen}) by:
 * <pre>
 * cut -d' ' -f2 KEY.pub | base64 -d | openssl sha1 -binary | basenc --base64url | tr -d '=_-' | cut -c1-8 | tr A-Z a-z
 * </pre>
 */
class ClientIdsTest {

    /** base64url digest {@code iNw7op6vX-TZ…}. */
    private static final String ED25519_ID = "inw7op6v";
    /** base64url digest {@code 14SBzcZz8zwJ…}. */
    private static final String RSA_ID = "14sbzczz";
    /** base64url digest {@code 8Q1Ac9F-hKHw…}: the {@code -} at index 7 must be dropped, bringing in the {@code h}. */
    private static final String ECDSA_ID = "8q1ac9fh";

    @Test
    void idFromKeyBlobMatchesTheShellPipeline() throws IOException {
        assertEquals(ED25519_ID, ClientIds.fromKeyBlob(blob("ed25519.pub")));
        assertEquals(RSA_ID, ClientIds.fromKeyBlob(blob("rsa.pub")));
        assertEquals(ECDSA_ID, ClientIds.fromKeyBlob(blob("ecdsa-p256.pub")));
    }

    @Test
    void idFromDecodedKeyEncodesTheSameWireBlob() throws Exception {
        assertEquals(RSA_ID, ClientIds.fromPublicKey(key("rsa.pub")));
        assertEquals(ECDSA_ID, ClientIds.fromPublicKey(key("ecdsa-p256.pub")));
    }

    @Test
    void idFromDecodedEd25519Key() throws Exception {
        // MINA decodes ed25519 only with an EdDSA provider (BouncyCastle or net.i2p) on the class path.
        assumeTrue(SecurityUtils.isEDDSACurveSupported(), "no EdDSA provider for MINA in this test class path");
        assertEquals(ED25519_ID, ClientIds.fromPublicKey(key("ed25519.pub")));
    }

    @Test
    void idIsEightLowerCaseAlphanumerics() throws IOException {
        String id = ClientIds.fromKeyBlob(blob("rsa.pub"));
        assertEquals(ClientIds.LENGTH, id.length());
        assertEquals(id.toLowerCase(), id);
        assertEquals(true, id.chars().allMatch(Character::isLetterOrDigit));
    }

    @Test
    void emptyBlobIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClientIds.fromKeyBlob(new byte[0]));
    }

    private static byte[] blob(String resource) throws IOException {
        return Base64.getDecoder().decode(pubLine(resource).split(" ")[1]);
    }

    private static PublicKey key(String resource) throws Exception {
        return PublicKeyEntry.parsePublicKeyEntry(pubLine(resource))
                .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    }

    static String pubLine(String resource) throws IOException {
        try (InputStream in = ClientIdsTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }
}
