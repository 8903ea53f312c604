package dev.gangway.accounts.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parser against keys, certificates and fingerprints made by the real {@code ssh-keygen}. */
class OpenSshPublicKeysTest {

    @TempDir
    static Path dir;

    private static SshKeygen keygen;
    private static String ed25519Line;

    @BeforeAll
    static void makeAKey() throws Exception {
        keygen = new SshKeygen(dir);
        ed25519Line = SshKeygen.read(keygen.generate("ed25519", 0, "alice@laptop")).strip();
    }

    @ParameterizedTest
    @CsvSource({"ed25519, 0, ssh-ed25519", "rsa, 3072, ssh-rsa", "rsa, 2048, ssh-rsa",
            "ecdsa, 256, ecdsa-sha2-nistp256", "ecdsa, 384, ecdsa-sha2-nistp384", "ecdsa, 521, ecdsa-sha2-nistp521"})
    void fingerprintAndSizeAreWhatSshKeygenSays(String type, int bits, String expectedType) throws Exception {
        Path pub = keygen.generate(type, bits, "bob@desk");
        SshKeygen.Listing openssh = keygen.list(pub);

        OpenSshPublicKey key = OpenSshPublicKeys.parse(SshKeygen.read(pub));

        assertEquals(openssh.fingerprint(), key.fingerprint());
        assertEquals(openssh.bits(), key.bits());
        assertEquals(expectedType, key.type());
        assertEquals("bob@desk", key.comment());
        String[] fileFields = SshKeygen.read(pub).strip().split(" ");
        assertEquals(fileFields[0] + " " + fileFields[1], key.line());
    }

    @Test
    void surroundingWhitespaceTabsAndAMissingCommentAreFine() throws Exception {
        String[] fields = ed25519Line.split(" ");
        OpenSshPublicKey bare = OpenSshPublicKeys.parse("  " + fields[0] + "\t" + fields[1] + "\n");

        assertEquals(fields[0] + " " + fields[1], bare.line());
        assertEquals("", bare.comment());
    }

    @Test
    void keyDataWithoutPaddingGivesTheCanonicalLine() throws Exception {
        String[] fields = SshKeygen.read(keygen.generate("ecdsa", 256, "x")).split(" ");
        assertTrue(fields[1].endsWith("="), "an ecdsa-sha2-nistp256 blob (104 bytes) ends in padding");

        OpenSshPublicKey key = OpenSshPublicKeys.parse(fields[0] + " " + fields[1].replace("=", ""));

        assertEquals(fields[0] + " " + fields[1], key.line());
    }

    @Test
    void rsaBelow2048BitsIsRefused() throws Exception {
        String line = SshKeygen.read(keygen.generate("rsa", 1024, "old"));

        assertRefused(line, "1024 bits; at least 2048");
    }

    @Test
    void certificatesAreRefused() throws Exception {
        Path pub = keygen.generate("ed25519", 0, "certified");
        String certificate = SshKeygen.read(keygen.certify(pub));
        assertTrue(certificate.startsWith("ssh-ed25519-cert-v01@openssh.com "), certificate);

        assertRefused(certificate, "certificates are not accepted");
    }

    @Test
    void blobOfAnotherTypeThanThePrefixIsRefused() throws Exception {
        String ed25519Data = ed25519Line.split(" ")[1];
        String ecdsa256Data = SshKeygen.read(keygen.generate("ecdsa", 256, "x")).split(" ")[1];

        assertRefused("ssh-rsa " + ed25519Data, "another type");
        assertRefused("ecdsa-sha2-nistp384 " + ecdsa256Data, "another type");
    }

    @Test
    void ecdsaPointOffItsCurveIsRefused() throws Exception {
        byte[] blob = blobOf(SshKeygen.read(keygen.generate("ecdsa", 256, "x")));
        blob[blob.length - 1] ^= 1;

        assertRefused("ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(blob), "not on curve");
    }

    @Test
    void ecdsaBlobNamingAnotherCurveIsRefused() throws Exception {
        byte[] point = new byte[65];
        byte[] blob = wire("ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII),
                "nistp384".getBytes(StandardCharsets.US_ASCII), point);

        assertRefused("ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(blob), "names curve");
    }

    @Test
    void trailingBytesAfterTheKeyAreRefused() throws Exception {
        byte[] blob = blobOf(ed25519Line);
        byte[] longer = Arrays.copyOf(blob, blob.length + 4);

        assertRefused("ssh-ed25519 " + Base64.getEncoder().encodeToString(longer), "unexpected bytes");
    }

    @Test
    void truncatedAndShortKeyDataIsRefused() throws Exception {
        byte[] blob = blobOf(ed25519Line);
        byte[] truncated = Arrays.copyOf(blob, blob.length - 5);
        byte[] shortKey = wire("ssh-ed25519".getBytes(StandardCharsets.US_ASCII), new byte[31]);

        assertRefused("ssh-ed25519 " + Base64.getEncoder().encodeToString(truncated), "truncated");
        assertRefused("ssh-ed25519 " + Base64.getEncoder().encodeToString(shortKey), "must be 32 bytes");
        // A length field claiming more than the blob holds: refused, not allocated.
        byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 's'};
        assertRefused("ssh-ed25519 " + Base64.getEncoder().encodeToString(huge), "truncated");
    }

    @Test
    void malformedLinesAreRefusedWithAReason() throws Exception {
        String data = ed25519Line.split(" ")[1];

        assertRefused("", "no public key");
        assertRefused("   ", "no public key");
        assertRefused(null, "no public key");
        assertRefused("ssh-ed25519", "missing");
        assertRefused("ssh-ed25519 not*base64", "not valid base64");
        assertRefused("hello world", "not an OpenSSH public key line");
        assertRefused(ed25519Line + "\n" + ed25519Line, "more than one line");
        assertRefused("command=\"echo hi\",no-pty " + ed25519Line, "options");
        assertRefused("no-pty " + ed25519Line.split(" ")[0] + " " + data, "options");
        assertRefused("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "private key");
        assertRefused("---- BEGIN SSH2 PUBLIC KEY ----", "not an OpenSSH public key line");
        assertRefused("ssh-dss " + data, "DSA");
        assertRefused("sk-ssh-ed25519@openssh.com " + data, "security-key");
        assertRefused("ssh-ed25519 " + data + " " + "x".repeat(OpenSshPublicKeys.MAX_LINE_LENGTH), "longer than");
    }

    @Test
    void fingerprintOfABlobIsSha256InUnpaddedBase64() throws Exception {
        Path pub = keygen.generate("ed25519", 0, "fp");
        assertEquals(keygen.list(pub).fingerprint(), OpenSshPublicKeys.fingerprint(blobOf(SshKeygen.read(pub))));
    }

    private static void assertRefused(String line, String reasonPart) {
        InvalidPublicKeyException e = assertThrows(InvalidPublicKeyException.class,
                () -> OpenSshPublicKeys.parse(line));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }

    private static byte[] blobOf(String line) {
        return Base64.getDecoder().decode(line.strip().split(" ")[1]);
    }

    private static byte[] wire(byte[]... fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (byte[] field : fields) {
            out.writeInt(field.length);
            out.write(field);
        }
        return bytes.toByteArray();
    }

    @Test
    void wireHelperWritesWhatTheReaderReads() throws Exception {
        SshWireReader reader = new SshWireReader(wire(new byte[] {1, 2}, new byte[0]));
        assertArrayEquals(new byte[] {1, 2}, reader.bytes());
        assertArrayEquals(new byte[0], reader.bytes());
        reader.expectEnd();
    }
}
