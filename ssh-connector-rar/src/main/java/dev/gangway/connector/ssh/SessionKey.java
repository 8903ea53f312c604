package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyOwner;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

import java.security.PublicKey;
import java.util.Objects;

/**
 * The key an SSH session logged in with, and (authMode {@code sso}) whom it belongs to.
 *
 * @param key         the key whose signature the server verified
 * @param fingerprint {@link KeyFingerprints#fingerprint}
 * @param owner       from the key authority's decision; {@code null} in the other modes
 * @param askedAt     {@link System#nanoTime()} when the decision that let the key in was asked for: a revocation
 *                    after that instant may not have been seen by the decision
 */
record SessionKey(PublicKey key, String fingerprint, KeyOwner owner, long askedAt) {

    /** Set on the MINA session by {@link KeyAuthorityUserAuth} when the authority allowed the signed attempt. */
    static final AttributeKey<SessionKey> ACCEPTED = new AttributeKey<>();

    SessionKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    static SessionKey unowned(PublicKey key) {
        return new SessionKey(key, KeyFingerprints.fingerprint(key), null, System.nanoTime());
    }

    String ownerName() {
        return owner == null ? "-" : owner.displayName();
    }
}
