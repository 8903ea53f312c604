package dev.gangway.accounts.registry;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedAttributeNode;
import jakarta.persistence.NamedEntityGraph;
import jakarta.persistence.NamedSubgraph;
import jakarta.persistence.Table;

/**
 * An SSH public key a person registered. The fingerprint is unique across all accounts (the database enforces it):
 * a key identifies one owner, so a login with it can only ever carry that owner's identity.
 */
@Entity
@Table(name = "gangway_key")
@NamedEntityGraph(name = RegisteredKey.WITH_OWNER,
        attributeNodes = @NamedAttributeNode(value = "owner", subgraph = "groups"),
        subgraphs = @NamedSubgraph(name = "groups", attributeNodes = @NamedAttributeNode("groups")))
public class RegisteredKey {

    /** The entity graph that loads the owner and the owner's groups in the same query. */
    static final String WITH_OWNER = "RegisteredKey.withOwner";

    /** {@code SHA256:} and 43 base64 characters. */
    static final int FINGERPRINT_LENGTH = 64;
    static final int TYPE_LENGTH = 64;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    private Long id;

    @Column(name = "fingerprint", nullable = false, unique = true, length = FINGERPRINT_LENGTH)
    private String fingerprint;

    @Column(name = "key_type", nullable = false, length = TYPE_LENGTH)
    private String keyType;

    @Column(name = "public_key", nullable = false, length = OpenSshPublicKeys.MAX_LINE_LENGTH)
    private String publicKey;

    @Column(name = "name", nullable = false, length = KeyNames.MAX_LENGTH)
    private String name;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "owner_subject", nullable = false)
    private Account owner;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected RegisteredKey() {
        // for JPA
    }

    RegisteredKey(OpenSshPublicKey key, String name, Account owner, Instant createdAt) {
        this.fingerprint = key.fingerprint();
        this.keyType = key.type();
        this.publicKey = key.line();
        this.name = name;
        this.owner = owner;
        this.createdAt = createdAt;
    }

    Account owner() {
        return owner;
    }

    void rename(String newName) {
        name = newName;
    }

    KeyInfo info() {
        return new KeyInfo(id, fingerprint, keyType, publicKey, name, owner.info(), createdAt, lastUsedAt);
    }
}
