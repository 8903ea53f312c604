package dev.gangway.connector.api;

import java.util.Objects;

/**
 * One public-key login step a {@link KeyAuthority} is asked about.
 *
 * <p>An SSH client normally asks twice per key: first whether the key would be accepted at all (the "query": no
 * signature, so nothing proves the client holds the private key), then, only if it would, with a signature the
 * server has verified before asking (the "attempt"). An authority should give the same answer to both; it may keep
 * side effects such as recording the key's use for the attempt, where {@link #signatureVerified()} is true.
 *
 * @param fingerprint       {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -l} prints it
 * @param keyType           e.g. {@code ssh-ed25519}
 * @param publicKey         the OpenSSH public key line without comment, e.g. {@code ssh-ed25519 AAAA…}
 * @param userName          the SSH user name the client sent (a label in Gangway, not an account)
 * @param remoteAddress     the client's address as the server sees it, for logs
 * @param signatureVerified false for the query, true for the signed attempt whose signature has been verified
 */
public record KeyLogin(String fingerprint, String keyType, String publicKey, String userName, String remoteAddress,
                       boolean signatureVerified) {

    public KeyLogin {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
}
