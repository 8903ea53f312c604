package dev.gangway.accounts.authority;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.gangway.accounts.audit.AuditLog;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyLogin;
import dev.gangway.connector.api.SsoSettings;

/**
 * The web tier's answer to the SSH server in authMode sso: a key may log in when it is registered and its owner is
 * still allowed ({@link KeyRules}). The SSH server calls {@link #decide} on one of its own threads, which must never
 * wait for a database or the provider: the lookup runs on the server's default managed executor (a container thread
 * with this application's context, so JPA and transactions work), and the answer completes the stage there.
 *
 * <p>A signed login attempt of an owner who stands in the registry is re-checked at the identity provider first
 * ({@link StandingRecheck}), and decided on what the provider says. The re-check gets {@link #LOGIN_RECHECK_BUDGET}
 * of the connector's key decision time (10 s by default); without an answer by then the login is decided on the last
 * standing, and the re-check still applies its outcome when it ends. The key query (no signature yet, so anybody who
 * knows a public key can send it) never reaches the provider. An owner whose last confirmation is older than the key
 * lifetime, or whom the provider refused before, is refused without asking: only a new sign-in restores them.
 */
@ApplicationScoped
public class RegistryKeyAuthority implements KeyAuthority {

    static final Duration LOGIN_RECHECK_BUDGET = Duration.ofSeconds(5);

    @Inject
    private KeyRegistry registry;

    @Inject
    private StandingRecheck recheck;

    @Resource
    private ManagedExecutorService executor;

    private volatile SsoSettings settings;

    /** Called once the connection factory's settings are known, before the authority is registered. */
    public void configure(SsoSettings sso) {
        this.settings = sso;
    }

    @Override
    public CompletionStage<KeyDecision> decide(KeyLogin login) {
        SsoSettings sso = settings;
        if (sso == null) {
            return CompletableFuture.completedFuture(KeyDecision.refuse("key authority not configured yet"));
        }
        // A rejected submission (executor shutting down) fails the stage, which the SSH server takes as a refusal.
        if (!login.signatureVerified()) {
            return executor.supplyAsync(() -> concluded(login, decideOnRegistry(login, sso)));
        }
        // Every step on the managed executor (the Async variants): none may run on the SSH thread that asked, and a
        // timeout completes its stage on the JDK's timer thread, which has no transaction or JPA context.
        return executor.supplyAsync(() -> decideOnRegistry(login, sso)).thenComposeAsync(decision -> {
            if (!decision.allowed()) {
                return CompletableFuture.completedFuture(concluded(login, decision));
            }
            return recheck.recheck(decision.owner().subject(), "ssh-login").copy()
                    .completeOnTimeout(Standing.unanswered("no answer within " + LOGIN_RECHECK_BUDGET.toSeconds()
                            + " s"), LOGIN_RECHECK_BUDGET.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApplyAsync(standing -> concluded(login, decideOnRegistry(login, sso)), executor);
        }, executor);
    }

    private KeyDecision decideOnRegistry(KeyLogin login, SsoSettings sso) {
        KeyInfo key = registry.findByFingerprint(login.fingerprint()).orElse(null);
        return KeyRules.decide(key, sso.allowedGroup(), sso.keyLifetime(), Instant.now());
    }

    /** Audits the decision and notes the key's use; runs on the managed executor. */
    private KeyDecision concluded(KeyLogin login, KeyDecision decision) {
        // A refusal ends the login at whichever step it comes (an unknown key is refused at the client's key query,
        // before it signs anything), so each is audited. A login is allowed only once the signed attempt is: the
        // query's yes is not yet a login, and only that attempt counts as the key's use.
        if (!decision.allowed()) {
            AuditLog.LOG.sshLoginRefused(login.fingerprint(), login.userName(), decision.reason(), login.remoteAddress());
        } else if (login.signatureVerified()) {
            registry.recordUse(login.fingerprint(), Instant.now());
            AuditLog.LOG.sshLoginAllowed(decision.owner().displayName(), decision.owner().subject(),
                    login.fingerprint(), login.userName(), login.remoteAddress());
        }
        return decision;
    }
}
