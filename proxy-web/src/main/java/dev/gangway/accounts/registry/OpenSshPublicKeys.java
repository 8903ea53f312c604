package dev.gangway.accounts.registry;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates one OpenSSH public key line as a person pastes it from their {@code .pub} file:
 * {@code <type> <base64 key data> [comment]}.
 *
 * <p>Accepted: {@code ssh-ed25519}; {@code ssh-rsa} of 2048 to 16384 bits (below 2048 is breakable, OpenSSH's own
 * ceiling is 16384); {@code ecdsa-sha2-nistp256/384/521} with a point on its curve. Refused with a reason a person
 * can act on: certificates (the RA refuses them too, and a certificate's key is checked by its CA, not a registry),
 * security-key types ({@code sk-*}: the SSH server has not been tested with them and no test here can make one
 * without a FIDO authenticator, so accepting them would be a promise nobody has checked), DSA, authorized_keys lines
 * with options, private keys, anything malformed. The key data must say the same type as the line's prefix, and
 * nothing may follow the key's fields.
 */
public final class OpenSshPublicKeys {

    /** Longest line accepted: a 16384-bit RSA key with a long comment fits well within it. */
    public static final int MAX_LINE_LENGTH = 8192;

    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 16384;
    private static final int ED25519_KEY_BYTES = 32;

    /** ECDSA key type -> the curve name inside the blob and the JDK's name for the curve. */
    private static final Map<String, String[]> ECDSA_CURVES = Map.of(
            "ecdsa-sha2-nistp256", new String[] {"nistp256", "secp256r1"},
            "ecdsa-sha2-nistp384", new String[] {"nistp384", "secp384r1"},
            "ecdsa-sha2-nistp521", new String[] {"nistp521", "secp521r1"});

    private static final Pattern WHITESPACE = Pattern.compile("[ \\t]+");

    private OpenSshPublicKeys() {
    }

    /**
     * Validates {@code text} and returns the key with its fingerprint.
     *
     * @throws InvalidPublicKeyException with a reason meant for the person who pasted it
     */
    public static OpenSshPublicKey parse(String text) throws InvalidPublicKeyException {
        if (text == null || text.isBlank()) {
            throw new InvalidPublicKeyException("no public key given");
        }
        if (text.length() > MAX_LINE_LENGTH) {
            throw new InvalidPublicKeyException("the text is longer than " + MAX_LINE_LENGTH
                    + " characters: paste one public key line");
        }
        if (text.contains("PRIVATE KEY")) {
            throw new InvalidPublicKeyException("this is a private key: never share it. Paste the public key "
                    + "(the .pub file) instead");
        }
        String line = text.strip();
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new InvalidPublicKeyException("more than one line: paste one public key line");
        }
        String[] parts = WHITESPACE.split(line, 3);
        String type = parts[0];
        refuseUnsupportedType(type, parts);
        if (parts.length < 2) {
            throw new InvalidPublicKeyException("the key data after \"" + type + "\" is missing");
        }
        byte[] blob = decode(parts[1]);
        int bits = checkBlob(type, blob);
        String canonical = type + " " + Base64.getEncoder().encodeToString(blob);
        String comment = parts.length == 3 ? parts[2].strip() : "";
        return new OpenSshPublicKey(type, canonical, fingerprint(blob), bits, comment);
    }

    /** {@code SHA256:<base64 without padding of SHA-256(blob)>}, as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void refuseUnsupportedType(String type, String[] parts) throws InvalidPublicKeyException {
        if (type.endsWith("-cert-v01@openssh.com")) {
            throw new InvalidPublicKeyException("OpenSSH certificates are not accepted: register the plain public "
                    + "key (the .pub file without -cert)");
        }
        if (type.startsWith("sk-")) {
            throw new InvalidPublicKeyException("security-key (FIDO) keys are not supported yet: register an "
                    + "ed25519, ECDSA or RSA key");
        }
        if (type.equals("ssh-dss")) {
            throw new InvalidPublicKeyException("DSA keys are not accepted (OpenSSH has dropped them): register an "
                    + "ed25519, ECDSA or RSA key");
        }
        if (type.equals("ssh-ed25519") || type.equals("ssh-rsa") || ECDSA_CURVES.containsKey(type)) {
            return;
        }
        if (parts.length > 1 && Arrays.stream(WHITESPACE.split(parts[1] + " " + parts[parts.length - 1]))
                .anyMatch(t -> t.equals("ssh-ed25519") || t.equals("ssh-rsa") || ECDSA_CURVES.containsKey(t))) {
            throw new InvalidPublicKeyException("the line starts with options, as in authorized_keys: paste only "
                    + "the public key (the .pub file)");
        }
        throw new InvalidPublicKeyException("not an OpenSSH public key line (it must start with ssh-ed25519, "
                + "ssh-rsa or ecdsa-sha2-nistp256/384/521): paste the content of your .pub file");
    }

    private static byte[] decode(String base64) throws InvalidPublicKeyException {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidPublicKeyException("the key data is not valid base64");
        }
    }

    /** Checks the blob's fields against its type and returns the key size in bits. */
    private static int checkBlob(String type, byte[] blob) throws InvalidPublicKeyException {
        SshWireReader reader = new SshWireReader(blob);
        String blobType = reader.text();
        if (!blobType.equals(type)) {
            throw new InvalidPublicKeyException("the key data is of another type than \"" + type
                    + "\" at the start of the line");
        }
        int bits;
        if (type.equals("ssh-ed25519")) {
            if (reader.bytes().length != ED25519_KEY_BYTES) {
                throw new InvalidPublicKeyException("an ed25519 key must be 32 bytes");
            }
            bits = 256;
        } else if (type.equals("ssh-rsa")) {
            bits = checkRsa(reader.positiveMpint(), reader.positiveMpint());
        } else {
            bits = checkEcdsa(ECDSA_CURVES.get(type), reader.text(), reader.bytes());
        }
        reader.expectEnd();
        return bits;
    }

    private static int checkRsa(BigInteger exponent, BigInteger modulus) throws InvalidPublicKeyException {
        int bits = modulus.bitLength();
        if (bits < MIN_RSA_BITS) {
            throw new InvalidPublicKeyException("this RSA key has " + bits + " bits; at least " + MIN_RSA_BITS
                    + " are required (ssh-keygen -t rsa -b 3072, or better -t ed25519)");
        }
        if (bits > MAX_RSA_BITS) {
            throw new InvalidPublicKeyException("this RSA key has " + bits + " bits; at most " + MAX_RSA_BITS
                    + " are accepted");
        }
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0 || !modulus.testBit(0)) {
            throw new InvalidPublicKeyException("this is not a valid RSA public key");
        }
        return bits;
    }

    private static int checkEcdsa(String[] curve, String blobCurve, byte[] point) throws InvalidPublicKeyException {
        if (!blobCurve.equals(curve[0])) {
            throw new InvalidPublicKeyException("the key data names curve \"" + blobCurve + "\", not " + curve[0]);
        }
        ECParameterSpec params = curveParameters(curve[1]);
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        int fieldBytes = (p.bitLength() + 7) / 8;
        // Only the uncompressed form (0x04 || X || Y): it is what OpenSSH writes, and the only one it reads.
        if (point.length != 1 + 2 * fieldBytes || point[0] != 0x04) {
            throw new InvalidPublicKeyException("the ECDSA point is not in the form OpenSSH writes");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + fieldBytes));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + fieldBytes, point.length));
        BigInteger a = params.getCurve().getA();
        BigInteger b = params.getCurve().getB();
        // y^2 = x^3 + ax + b (mod p): a point off the curve is no public key (and the basis of invalid-curve attacks).
        boolean onCurve = x.compareTo(p) < 0 && y.compareTo(p) < 0
                && y.modPow(BigInteger.TWO, p).equals(x.pow(3).add(a.multiply(x)).add(b).mod(p));
        if (!onCurve) {
            throw new InvalidPublicKeyException("the ECDSA point is not on curve " + curve[0]);
        }
        return p.bitLength();
    }

    private static ECParameterSpec curveParameters(String jdkName) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(jdkName));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the standard curve " + jdkName, e);
        }
    }
}
