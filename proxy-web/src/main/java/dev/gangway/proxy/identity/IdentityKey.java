package dev.gangway.proxy.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.HashUtil;
import org.jose4j.lang.JoseException;

/**
 * The key that signs {@code X-Gangway-Identity}: an EC P-256 key (ES256, the JWS algorithm services' JWT libraries
 * support most widely; signing costs far less than RSA), kept as a private JWK in a file so that every node of a
 * cluster can sign with the same key and services trust one JWKS. Made on first start when the file is absent.
 */
public final class IdentityKey {

    static final String ALGORITHM = "ES256";

    private final PublicJsonWebKey jwk;
    private final String jwksJson;

    private IdentityKey(PublicJsonWebKey jwk) {
        this.jwk = jwk;
        JsonWebKey publicOnly;
        try {
            publicOnly = PublicJsonWebKey.Factory.newPublicJwk(jwk.getPublicKey());
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        publicOnly.setKeyId(jwk.getKeyId());
        publicOnly.setAlgorithm(ALGORITHM);
        publicOnly.setUse("sig");
        this.jwksJson = new JsonWebKeySet(publicOnly).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /**
     * The key in {@code file}, made there first if the file does not exist. Two nodes starting at once on a shared
     * directory end with one key: the file appears whole (written aside, then linked in, which never replaces), and the
     * loser of the race loads the winner's.
     *
     * @throws IOException if the file cannot be read or made, or holds no usable private EC key
     */
    public static IdentityKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(file, StandardCharsets.UTF_8));
            if (!(jwk instanceof EllipticCurveJsonWebKey) || jwk.getPrivateKey() == null) {
                throw new IOException(file + " holds no private EC key");
            }
            if (jwk.getKeyId() == null) {
                jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256));
            }
            return new IdentityKey(jwk);
        } catch (JoseException e) {
            throw new IOException(file + " is not a JWK: " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        EllipticCurveJsonWebKey jwk;
        try {
            jwk = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        } catch (JoseException e) {
            throw new IOException("cannot generate an EC P-256 key: " + e.getMessage(), e);
        }
        // The key id is the RFC 7638 thumbprint: stable, and the same on every node that shares the file.
        jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".gangway-identity", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the directory's own protection is all there is.
            }
            Files.writeString(temp, jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE), StandardCharsets.UTF_8);
            try {
                // A hard link appears atomically and never replaces an existing file (a rename would).
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file);
            }
        } catch (FileAlreadyExistsException e) {
            // Another node made it first: theirs is loaded.
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    PublicJsonWebKey jwk() {
        return jwk;
    }

    /** A compact ES256 JWS of {@code claims}, with this key's id. */
    String sign(org.jose4j.jwt.JwtClaims claims) {
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(jwk.getPrivateKey());
        jws.setKeyIdHeaderValue(jwk.getKeyId());
        jws.setAlgorithmHeaderValue(ALGORITHM);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            // The key was checked when loaded; a signature that still fails is a broken JRE or library.
            throw new IllegalStateException("cannot sign a JWT: " + e.getMessage(), e);
        }
    }

    /** The public key as a JWK Set ({@code {"keys":[…]}}), for {@code /.well-known/jwks.json}. */
    public String jwksJson() {
        return jwksJson;
    }
}
