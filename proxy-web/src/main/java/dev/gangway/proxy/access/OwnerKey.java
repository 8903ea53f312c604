package dev.gangway.proxy.access;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.EdDsaKeyUtil;
import org.jose4j.lang.HashUtil;
import org.jose4j.lang.JoseException;

/**
 * A tunnel owner's SSH public key as Preevy sees it: the key a JWT must be signed with, the one algorithm allowed
 * for it, and its profile id, the RFC 9278 thumbprint URI of the key as a JWK (RFC 7638, SHA-256).
 *
 * @param publicKey     the JDK key to verify signatures with
 * @param algorithm     {@code EdDSA} for ed25519, {@code RS256} for RSA: the only ones Preevy signs with
 * @param thumbprintUri {@code urn:ietf:params:oauth:jwk-thumbprint:sha-256:<base64url>}
 */
public record OwnerKey(PublicKey publicKey, String algorithm, String thumbprintUri) {

    static final String ED25519 = "ssh-ed25519";
    static final String RSA = "ssh-rsa";

    public OwnerKey {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(thumbprintUri, "thumbprintUri");
    }

    /** The issuer a JWT for this key carries: {@code preevy://<thumbprint URI>}. */
    public String issuer() {
        return "preevy://" + thumbprintUri;
    }

    /**
     * The key of an OpenSSH public key line ({@code <type> <base64 blob> [comment]}).
     *
     * @return {@code null} for a key type Preevy's JWTs do not cover (ECDSA): no JWT can open such a tunnel
     * @throws IllegalArgumentException if the line is not a well-formed ed25519 or RSA key
     */
    public static OwnerKey parse(String openSshLine) {
        String[] fields = openSshLine.trim().split("\\s+");
        if (fields.length < 2) {
            throw new IllegalArgumentException("not an OpenSSH public key line");
        }
        if (!fields[0].equals(ED25519) && !fields[0].equals(RSA)) {
            return null;
        }
        ByteBuffer blob;
        try {
            blob = ByteBuffer.wrap(Base64.getDecoder().decode(fields[1]));
            if (!fields[0].equals(new String(field(blob), StandardCharsets.US_ASCII))) {
                throw new IllegalArgumentException("the key blob's type is not " + fields[0]);
            }
            OwnerKey key = fields[0].equals(ED25519) ? ed25519(field(blob)) : rsa(field(blob), field(blob));
            if (blob.hasRemaining()) {
                throw new IllegalArgumentException("unexpected bytes after the key");
            }
            return key;
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("malformed " + fields[0] + " key", e);
        } catch (JoseException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable " + fields[0] + " key: " + e.getMessage(), e);
        }
    }

    private static OwnerKey ed25519(byte[] raw) throws JoseException {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an ed25519 key has 32 bytes, not " + raw.length);
        }
        // The JWK form (RFC 8037: kty OKP, crv Ed25519, x = the raw key) is both what the thumbprint is computed over
        // and, through jose4j, the way to the JDK's own Ed25519 key.
        PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(Map.of(
                "kty", "OKP", "crv", EdDsaKeyUtil.ED25519,
                "x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw)));
        return new OwnerKey(jwk.getPublicKey(), "EdDSA", jwk.calculateThumbprintUri(HashUtil.SHA_256));
    }

    private static OwnerKey rsa(byte[] exponent, byte[] modulus) throws GeneralSecurityException, JoseException {
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(new BigInteger(1, modulus), new BigInteger(1, exponent)));
        PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
        return new OwnerKey(key, "RS256", jwk.calculateThumbprintUri(HashUtil.SHA_256));
    }

    /** One uint32-length-prefixed string of the SSH wire format (RFC 4251 §5), bounded by what is left. */
    private static byte[] field(ByteBuffer blob) {
        int length = blob.getInt();
        if (length < 0 || length > blob.remaining()) {
            throw new IllegalArgumentException("the key data is truncated");
        }
        byte[] out = new byte[length];
        blob.get(out);
        return out;
    }
}
