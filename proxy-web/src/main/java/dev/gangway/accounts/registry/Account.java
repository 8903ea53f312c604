package dev.gangway.accounts.registry;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

/**
 * A person who signed in through single sign-on, known by the provider's subject ({@code sub}). Column sizes are
 * checked by {@link AccountClaims} before anything reaches the database; the schema is
 * {@code META-INF/gangway-schema.sql}.
 */
@Entity
@Table(name = "gangway_account")
public class Account {

    @Id
    @Column(name = "subject", length = AccountClaims.MAX_SUBJECT_LENGTH)
    private String subject;

    @Column(name = "display_name", length = AccountClaims.MAX_TEXT_LENGTH)
    private String displayName;

    @Column(name = "email", length = AccountClaims.MAX_EMAIL_LENGTH)
    private String email;

    /** From the provider's claims at the last sign-in: the rule that lets a person open tunnels reads them. */
    @ElementCollection
    @CollectionTable(name = "gangway_account_group", joinColumns = @JoinColumn(name = "subject"))
    @Column(name = "group_name", length = AccountClaims.MAX_TEXT_LENGTH)
    private Set<String> groups = new LinkedHashSet<>();

    @Column(name = "admin", nullable = false)
    private boolean admin;

    /** When the provider last vouched for this person (sign-in or token refresh); keys stop working when stale. */
    @Column(name = "last_confirmed_at")
    private Instant lastConfirmedAt;

    /**
     * The provider's latest refresh token, what the re-checks present at the provider's token endpoint. Never logged
     * and never copied into {@link AccountInfo}. Stored as the provider issued it: the client is confidential, so the
     * token is of no use without the client secret, which is in the server's configuration and not in this database.
     */
    @Column(name = "refresh_token", length = AccountClaims.MAX_TOKEN_LENGTH)
    private String refreshToken;

    /**
     * Why the provider refused to vouch for this person at the last re-check (the refresh was refused: disabled,
     * session revoked or expired), or null while in good standing. Set, it refuses their keys until they sign in.
     */
    @Column(name = "provider_refusal", length = AccountClaims.MAX_TEXT_LENGTH)
    private String providerRefusal;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Account() {
        // for JPA
    }

    Account(String subject, Instant createdAt) {
        this.subject = subject;
        this.createdAt = createdAt;
    }

    /** The provider vouched for the person (a sign-in or a refresh) with these claims. */
    void update(AccountClaims claims, Instant confirmedAt) {
        displayName = claims.displayName();
        email = claims.email();
        groups.clear();
        groups.addAll(claims.groups());
        admin = claims.admin();
        lastConfirmedAt = confirmedAt;
        providerRefusal = null;
    }

    void confirm(Instant confirmedAt) {
        lastConfirmedAt = confirmedAt;
    }

    /** Keeps the provider's newest refresh token; {@code null} leaves the one held (the provider did not rotate it). */
    void keepRefreshToken(String token) {
        if (token != null) {
            refreshToken = token;
        }
    }

    String refreshToken() {
        return refreshToken;
    }

    /** The provider refused the refresh: the token is spent, and the person's keys stop until they sign in again. */
    void refusedByProvider(String reason) {
        providerRefusal = reason;
        refreshToken = null;
    }

    String subject() {
        return subject;
    }

    AccountInfo info() {
        return new AccountInfo(subject, displayName, email, Set.copyOf(groups), admin, lastConfirmedAt, createdAt,
                providerRefusal);
    }
}
