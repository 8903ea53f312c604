package dev.gangway.proxy.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tunnel owner's key made by the real {@code ssh-keygen}, and the Preevy-style JWTs its owner's CLI would send:
 * signed here with the JDK alone, and with the profile's thumbprint URI computed here by hand from the public key
 * line (RFC 7638 §3: the required members in lexicographic order, no whitespace), so that the server's jose4j-based
 * code is checked against an independent computation, not against itself. Test-only; shared with the ITs through
 * proxy-web's test jar.
 */
public final class PreevyKey {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final String type;
    private final Path privateKeyFile;
    private final String publicKeyLine;
    private final PrivateKey privateKey;

    private PreevyKey(String type, Path privateKeyFile, String publicKeyLine, PrivateKey privateKey) {
        this.type = type;
        this.privateKeyFile = privateKeyFile;
        this.publicKeyLine = publicKeyLine;
        this.privateKey = privateKey;
    }

    /** A new key pair in {@code dir}: {@code ed25519} or {@code rsa} (3072 bits), as {@code ssh-keygen} makes it. */
    public static PreevyKey generate(Path dir, String type) throws IOException, InterruptedException,
            GeneralSecurityException {
        Path file = Files.createTempFile(dir, "id_" + type, "");
        Files.delete(file);
        run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "preevy-test", "-f", file.toString());
        return load(file, type);
    }

    /**
     * A key pair {@code ssh-keygen} made without passphrase: {@code file} and {@code file.pub}.
     *
     * @param type {@code ed25519} or {@code rsa}
     */
    public static PreevyKey load(Path file, String type) throws IOException, InterruptedException,
            GeneralSecurityException {
        String[] pub = Files.readString(Path.of(file + ".pub"), StandardCharsets.US_ASCII).trim().split("\\s+");
        PrivateKey privateKey;
        if (type.equals("rsa")) {
            // ssh-keygen rewrites an RSA key as PKCS#8 on request; a copy keeps the original for ssh -i.
            Path pkcs8 = Path.of(file + ".pkcs8");
            Files.copy(file, pkcs8);
            run("ssh-keygen", "-q", "-p", "-m", "PKCS8", "-P", "", "-N", "", "-f", pkcs8.toString());
            privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(pkcs8)));
        } else if (type.equals("ed25519")) {
            privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(
                    new EdECPrivateKeySpec(NamedParameterSpec.ED25519, ed25519Seed(file)));
        } else {
            throw new IllegalArgumentException(type);
        }
        return new PreevyKey(type, file, pub[0] + " " + pub[1], privateKey);
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    /** {@code <type> <base64 blob>}, no comment. */
    public String publicKeyLine() {
        return publicKeyLine;
    }

    /** RFC 9278: {@code urn:ietf:params:oauth:jwk-thumbprint:sha-256:<base64url SHA-256 of the canonical JWK>}. */
    public String thumbprintUri() throws GeneralSecurityException {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(publicKeyLine.split(" ")[1]));
        field(blob);
        String canonical;
        if (type.equals("ed25519")) {
            canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + B64URL.encodeToString(field(blob)) + "\"}";
        } else {
            byte[] e = unsigned(field(blob));
            byte[] n = unsigned(field(blob));
            canonical = "{\"e\":\"" + B64URL.encodeToString(e) + "\",\"kty\":\"RSA\",\"n\":\""
                    + B64URL.encodeToString(n) + "\"}";
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        return "urn:ietf:params:oauth:jwk-thumbprint:sha-256:" + B64URL.encodeToString(digest);
    }

    /** A token as Preevy's CLI makes it: issuer {@code preevy://<thumbprint URI>}, {@code iat}, {@code exp}. */
    public String jwt(long iatEpochSeconds, long expEpochSeconds) throws GeneralSecurityException {
        return jwt("{\"iss\":\"preevy://" + thumbprintUri() + "\",\"iat\":" + iatEpochSeconds + ",\"exp\":"
                + expEpochSeconds + "}");
    }

    /** A token valid for an hour from now. */
    public String jwt() throws GeneralSecurityException {
        long now = System.currentTimeMillis() / 1000;
        return jwt(now, now + 3600);
    }

    /** A compact JWS over any claims JSON, with the algorithm of this key's type. */
    public String jwt(String claimsJson) throws GeneralSecurityException {
        String alg = type.equals("ed25519") ? "EdDSA" : "RS256";
        String signingInput = B64URL.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}")
                .getBytes(StandardCharsets.UTF_8)) + "." + B64URL.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance(type.equals("ed25519") ? "Ed25519" : "SHA256withRSA");
        signature.initSign(privateKey);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64URL.encodeToString(signature.sign());
    }

    /** The 32-byte seed in an unencrypted {@code openssh-key-v1} file (PROTOCOL.key in OpenSSH's sources). */
    private static byte[] ed25519Seed(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        ByteBuffer data = ByteBuffer.wrap(Base64.getDecoder().decode(body));
        byte[] magic = new byte["openssh-key-v1\0".length()];
        data.get(magic);
        field(data); // cipher name: none
        field(data); // kdf name: none
        field(data); // kdf options
        data.getInt(); // number of keys: 1
        field(data); // public key
        ByteBuffer section = ByteBuffer.wrap(field(data));
        section.getInt(); // check bytes
        section.getInt();
        field(section); // key type
        field(section); // public key (32 bytes)
        return Arrays.copyOf(field(section), 32); // seed || public key
    }

    private static byte[] pem(Path file) throws IOException {
        String body = Files.readString(file, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static byte[] field(ByteBuffer buffer) {
        byte[] out = new byte[buffer.getInt()];
        buffer.get(out);
        return out;
    }

    /** An SSH mpint without the sign byte it carries when the top bit is set (JWK numbers are unsigned). */
    private static byte[] unsigned(byte[] mpint) {
        int start = 0;
        while (start < mpint.length - 1 && mpint[start] == 0) {
            start++;
        }
        return Arrays.copyOfRange(mpint, start, mpint.length);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
