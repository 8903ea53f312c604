package dev.gangway.accounts.registry;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import dev.gangway.accounts.registry.KeyRegistryException.Reason;

/**
 * Accounts and their SSH keys, in the {@code gangway} persistence unit.
 *
 * <p>A CDI bean with {@code @Transactional} rather than an EJB: the server has no EJB layer (Galleon layers in
 * wildfly-config), nothing here needs pooling, remoting or timers, and the self-service REST resources and the key
 * authority of phase 2 are CDI beans that inject it. Every method runs in a transaction of its own (or the caller's)
 * and returns read-only copies ({@link KeyInfo}, {@link AccountInfo}), never entities, so callers cannot trip over
 * lazy state after the transaction. Unchecked {@link KeyRegistryException}s roll the transaction back.
 *
 * <p>Calls block on JDBC: call them from request or worker threads, never from an I/O thread.
 */
@ApplicationScoped
@Transactional
public class KeyRegistry {

    private static final String LOAD_GRAPH = "jakarta.persistence.loadgraph";

    @PersistenceContext(unitName = "gangway")
    private EntityManager em;

    /** Creates or updates the account from a sign-in's claims; the provider has just vouched for the person. */
    public AccountInfo signedIn(AccountClaims claims) {
        return signedIn(claims, null);
    }

    /**
     * As {@link #signedIn(AccountClaims)}, keeping the sign-in's refresh token for the re-checks.
     *
     * @param refreshToken the provider's refresh token, or {@code null} when it issued none
     */
    public AccountInfo signedIn(AccountClaims claims, String refreshToken) {
        Instant now = now();
        Account account = em.find(Account.class, claims.subject());
        if (account == null) {
            account = new Account(claims.subject(), now);
            em.persist(account);
        }
        account.update(claims, now);
        account.keepRefreshToken(refreshToken);
        return account.info();
    }

    /** The provider confirmed the person again (a token refresh succeeded). */
    public void confirmed(String subject) {
        confirmed(subject, now());
    }

    /** The provider confirmed the person at {@code when}. */
    public void confirmed(String subject, Instant when) {
        account(subject, Reason.NO_SUCH_ACCOUNT).confirm(when.truncatedTo(ChronoUnit.MICROS));
    }

    /** The refresh token a re-check presents at the provider, if the account holds one. Never log it. */
    public Optional<String> refreshToken(String subject) {
        return Optional.ofNullable(em.find(Account.class, subject)).map(Account::refreshToken);
    }

    /**
     * A re-check at the provider succeeded: the person's claims as the provider states them now, and the rotated
     * refresh token ({@code null} when the provider kept the old one).
     */
    public AccountInfo reconfirmed(AccountClaims claims, String refreshToken) {
        Account account = account(claims.subject(), Reason.NO_SUCH_ACCOUNT);
        account.update(claims, now());
        account.keepRefreshToken(refreshToken);
        return account.info();
    }

    /** A re-check at the provider was refused: the person's keys stop working until they sign in again. */
    public AccountInfo refusedByProvider(String subject, String reason) {
        Account account = account(subject, Reason.NO_SUCH_ACCOUNT);
        account.refusedByProvider(reason.length() > AccountClaims.MAX_TEXT_LENGTH
                ? reason.substring(0, AccountClaims.MAX_TEXT_LENGTH) : reason);
        return account.info();
    }

    public Optional<AccountInfo> account(String subject) {
        return Optional.ofNullable(em.find(Account.class, subject)).map(Account::info);
    }

    /**
     * Registers a public key for an account that has signed in.
     *
     * @param publicKeyLine what the person pasted: one OpenSSH public key line
     * @param name          the person's name for the key
     * @throws KeyRegistryException INVALID_KEY, INVALID_NAME, NO_SUCH_ACCOUNT, or DUPLICATE_KEY when any account,
     *                              this one or another, has the key already
     */
    public KeyInfo addKey(String subject, String publicKeyLine, String name) {
        try {
            OpenSshPublicKey key = parse(publicKeyLine);
            String keyName = KeyNames.validate(name);
            Account owner = account(subject, Reason.NO_SUCH_ACCOUNT);
            if (findEntity(key.fingerprint()).isPresent()) {
                throw duplicate(key);
            }
            RegisteredKey entity = new RegisteredKey(key, keyName, owner, now());
            persistUnique(entity, key);
            RegistryLogger.LOG.keyAdded(key.fingerprint(), key.type(), keyName, subject);
            return entity.info();
        } catch (KeyRegistryException e) {
            RegistryLogger.LOG.registrationRefused(subject, e.reason(), e.getMessage());
            throw e;
        }
    }

    /** Gives a key a new name; only its owner or an admin may. */
    public KeyInfo renameKey(Actor actor, long keyId, String newName) {
        String keyName = KeyNames.validate(newName);
        RegisteredKey key = changeableKey(actor, keyId);
        key.rename(keyName);
        KeyInfo info = key.info();
        RegistryLogger.LOG.keyRenamed(info.fingerprint(), info.owner().subject(), keyName, actor.subject());
        return info;
    }

    /**
     * Removes a key; only its owner or an admin may. Returns what was removed, so that the caller can close the
     * key's live SSH sessions by its fingerprint.
     */
    public KeyInfo removeKey(Actor actor, long keyId) {
        RegisteredKey key = changeableKey(actor, keyId);
        KeyInfo info = key.info();
        em.remove(key);
        RegistryLogger.LOG.keyRemoved(info.fingerprint(), info.owner().subject(), actor.subject());
        return info;
    }

    /** The account's keys, oldest first. */
    public List<KeyInfo> keysOf(String subject) {
        return keys("SELECT k FROM RegisteredKey k WHERE k.owner.subject = :subject ORDER BY k.createdAt, k.id")
                .setParameter("subject", subject)
                .getResultList().stream().map(RegisteredKey::info).toList();
    }

    /** Every key of every account, for admins only. */
    public List<KeyInfo> allKeys(Actor actor) {
        if (!actor.admin()) {
            throw new KeyRegistryException(Reason.NOT_ALLOWED, "only an admin may list every key");
        }
        return keys("SELECT k FROM RegisteredKey k ORDER BY k.createdAt, k.id")
                .getResultList().stream().map(RegisteredKey::info).toList();
    }

    /** The key with this fingerprint ({@code SHA256:...}) and its owner: what the SSH key authority asks. */
    public Optional<KeyInfo> findByFingerprint(String fingerprint) {
        return findEntity(fingerprint).map(RegisteredKey::info);
    }

    /** Notes an SSH login with the key; false if no such key (removed meanwhile). */
    public boolean recordUse(String fingerprint, Instant when) {
        return em.createQuery("UPDATE RegisteredKey k SET k.lastUsedAt = :when WHERE k.fingerprint = :fingerprint")
                .setParameter("when", when.truncatedTo(ChronoUnit.MICROS))
                .setParameter("fingerprint", fingerprint)
                .executeUpdate() == 1;
    }

    private Optional<RegisteredKey> findEntity(String fingerprint) {
        return keys("SELECT k FROM RegisteredKey k WHERE k.fingerprint = :fingerprint")
                .setParameter("fingerprint", fingerprint)
                .getResultStream().findFirst();
    }

    /** A key query that loads each key's owner and the owner's groups too: what {@link RegisteredKey#info()} reads. */
    private TypedQuery<RegisteredKey> keys(String query) {
        return em.createQuery(query, RegisteredKey.class)
                .setHint(LOAD_GRAPH, em.getEntityGraph(RegisteredKey.WITH_OWNER));
    }

    private Account account(String subject, Reason missing) {
        Account account = em.find(Account.class, subject);
        if (account == null) {
            throw new KeyRegistryException(missing, "no account " + subject + ": sign in first");
        }
        return account;
    }

    /** A key the actor may change; someone else's key is reported as absent, so its id reveals nothing. */
    private RegisteredKey changeableKey(Actor actor, long keyId) {
        RegisteredKey key = em.find(RegisteredKey.class, keyId);
        if (key == null || !actor.mayChange(key.owner())) {
            throw new KeyRegistryException(Reason.NO_SUCH_KEY, "no key " + keyId);
        }
        return key;
    }

    /**
     * Persists and flushes at once, so that the UNIQUE constraint on the fingerprint speaks here, inside this method:
     * two people registering the same key at the same moment both pass the look-up above, and the database lets
     * exactly one of them in.
     */
    private void persistUnique(RegisteredKey entity, OpenSshPublicKey key) {
        try {
            em.persist(entity);
            em.flush();
        } catch (PersistenceException e) {
            if (isIntegrityViolation(e)) {
                throw duplicate(key);
            }
            throw e;
        }
    }

    /** SQLSTATE class 23, integrity constraint violation: the same on H2 and PostgreSQL. */
    private static boolean isIntegrityViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    private static KeyRegistryException duplicate(OpenSshPublicKey key) {
        // Whose it is stays unsaid: the person asking may not be its owner.
        return new KeyRegistryException(Reason.DUPLICATE_KEY, "this key (" + key.fingerprint()
                + ") is registered already; each key can belong to one person only");
    }

    private static OpenSshPublicKey parse(String publicKeyLine) {
        try {
            return OpenSshPublicKeys.parse(publicKeyLine);
        } catch (InvalidPublicKeyException e) {
            throw new KeyRegistryException(Reason.INVALID_KEY, e.getMessage());
        }
    }

    /** Microseconds: what both H2 and PostgreSQL keep, so a value reads back as it was written. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
