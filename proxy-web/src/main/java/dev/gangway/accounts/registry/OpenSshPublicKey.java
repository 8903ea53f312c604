package dev.gangway.accounts.registry;

/**
 * A validated OpenSSH public key.
 *
 * @param type        the key type, e.g. {@code ssh-ed25519}
 * @param line        the canonical line {@code <type> <base64 blob>}, without the comment (which often names a
 *                    person's laptop and is not needed to recognise the key)
 * @param fingerprint {@code SHA256:<base64 without padding>} of the blob, exactly as {@code ssh-keygen -l} prints it
 * @param bits        the key size as {@code ssh-keygen -l} reports it (256 for ed25519, the modulus length for RSA,
 *                    the curve size for ECDSA)
 * @param comment     the comment after the key data, or an empty string; a hint for the key's name, never stored
 */
public record OpenSshPublicKey(String type, String line, String fingerprint, int bits, String comment) {
}
