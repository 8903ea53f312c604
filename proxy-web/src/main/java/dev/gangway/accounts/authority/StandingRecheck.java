package dev.gangway.accounts.authority;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.gangway.accounts.audit.AuditLog;
import dev.gangway.accounts.registry.AccountInfo;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.accounts.signin.SignedInPeople;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelInfo;
import dev.gangway.proxy.web.SignInPaths;

/**
 * Re-checks key owners at the identity provider (a refresh-token grant, {@link ProviderClient}) and acts on the answer:
 * the registry keeps the person's current groups, the rotated token and the confirmation time, or the provider's
 * refusal; a person who lost their standing has every SSH connection closed and an audit line written. An
 * unanswered re-check changes nothing: the last standing holds while it is younger than the key lifetime.
 *
 * <p>One re-check per person at a time: a second caller (the signed attempt of another login, the periodic round)
 * joins the one running. Presenting the same refresh token twice at once could make a provider that rotates tokens
 * and detects their reuse revoke the person's session.
 */
@ApplicationScoped
public class StandingRecheck {

    /** How often an unanswered re-check is a WARN; those in between are DEBUG and counted in the next WARN. */
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);

    @Inject
    private KeyRegistry registry;

    @Resource
    private ManagedExecutorService executor;

    private final ConcurrentMap<String, CompletableFuture<Standing>> running = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final AtomicLong suppressedWarnings = new AtomicLong();
    private volatile Setup setup;

    /** What the re-checks work with; {@code provider} is {@code null} when no OIDC client is configured. */
    private record Setup(SsoSettings sso, ProviderClient provider, TunnelConnectionFactory factory) {
    }

    /** Called at deployment, before the key authority is registered. */
    void configure(SsoSettings sso, ProviderClient provider, TunnelConnectionFactory factory) {
        this.setup = new Setup(Objects.requireNonNull(sso), provider, Objects.requireNonNull(factory));
    }

    /**
     * Re-checks the person with {@code subject} on the managed executor, joining a re-check of them that is running.
     * The stage completes on that executor; it never completes exceptionally (a failure is {@code UNANSWERED}).
     *
     * @param trigger what asked, for logs: {@code ssh-login} or {@code interval}
     */
    public CompletableFuture<Standing> recheck(String subject, String trigger) {
        CompletableFuture<Standing> mine = new CompletableFuture<>();
        CompletableFuture<Standing> current = running.putIfAbsent(subject, mine);
        if (current != null) {
            return current;
        }
        try {
            executor.execute(() -> {
                try {
                    mine.complete(recheckNow(subject, trigger));
                } finally {
                    running.remove(subject, mine);
                }
            });
        } catch (RuntimeException rejected) {
            // The executor is shutting down with the deployment.
            running.remove(subject, mine);
            mine.complete(Standing.unanswered("re-check not started: " + rejected));
        }
        return mine;
    }

    /**
     * One periodic round over the owners of this node's live tunnels, one after the other. An owner whose last
     * confirmation is older than the key lifetime loses their sessions without asking the provider, as their next
     * login would be refused: only a sign-in restores them. The others are re-checked at the provider; once it leaves
     * one unanswered, the rest wait for the next round (each would wait out the same timeouts), keeping their standing
     * within the key lifetime.
     */
    void round() {
        Setup current = setup;
        if (current == null) {
            return;
        }
        boolean providerAnswers = true;
        for (String subject : ownersOfLiveTunnels(current.factory())) {
            if (endIfOutlived(current, subject) || !providerAnswers) {
                continue;
            }
            if (recheck(subject, "interval").join().verdict() == Standing.Verdict.UNANSWERED) {
                providerAnswers = false;
            }
        }
    }

    private Standing recheckNow(String subject, String trigger) {
        Setup current = setup;
        try {
            if (current == null) {
                return Standing.unchecked("key authority not configured yet");
            }
            if (current.provider() == null) {
                return unchecked(subject, trigger, "no OpenID Connect client configured");
            }
            String token = registry.refreshToken(subject).orElse(null);
            if (token == null) {
                return unchecked(subject, trigger, "no refresh token held (the person has not signed in since "
                        + "re-checks exist, or the provider issued none)");
            }
            return apply(current, subject, trigger, current.provider().refresh(subject, token));
        } catch (RuntimeException e) {
            AuthorityLogger.LOG.recheckFailed(subject, e);
            return Standing.unanswered("re-check failed: " + e);
        }
    }

    private static Standing unchecked(String subject, String trigger, String why) {
        AuthorityLogger.LOG.rechecked(subject, subject, trigger, "not checked: " + why);
        return Standing.unchecked(why);
    }

    /** Records the provider's answer and ends the person's sessions when they lost their standing. */
    private Standing apply(Setup current, String subject, String trigger, RefreshResult result) {
        Standing standing = Standing.judge(result, current.sso().allowedGroup());
        AccountInfo account;
        if (result instanceof RefreshResult.Confirmed confirmed) {
            account = registry.reconfirmed(SignedInPeople.claims(confirmed.person()), confirmed.refreshToken());
        } else if (result instanceof RefreshResult.Refused refused) {
            account = registry.refusedByProvider(subject, refused.reason());
        } else {
            warnUnanswered(current, subject, standing.reason());
            return standing;
        }
        AuthorityLogger.LOG.rechecked(account.displayName(), subject, trigger, standing.reason());
        if (standing.lost()) {
            int closed = current.factory().disconnectOwner(subject,
                    "your access was withdrawn at the identity provider; sign in again at " + signInHint(current));
            AuthorityLogger.LOG.standingLost(account.displayName(), subject, standing.reason(), trigger, closed);
            AuditLog.LOG.standingLost(account.displayName(), subject, standing.reason(), trigger, closed);
        }
        return standing;
    }

    /** Ends the sessions of an owner whose last confirmation is older than the key lifetime; true if so. */
    private boolean endIfOutlived(Setup current, String subject) {
        AccountInfo account = registry.account(subject).orElse(null);
        if (account == null || !KeyRules.outlived(account, current.sso().keyLifetime(), Instant.now())) {
            return false;
        }
        int closed = current.factory().disconnectOwner(subject, "your sign-in is older than the key lifetime; "
                + "sign in again at " + signInHint(current));
        AuditLog.LOG.keyLifetimePassed(account.displayName(), subject, String.valueOf(account.lastConfirmedAt()),
                closed);
        return true;
    }

    private void warnUnanswered(Setup current, String subject, String reason) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            AuthorityLogger.LOG.providerUnanswered(subject, String.valueOf(current.provider().issuer()), reason,
                    current.sso().keyLifetime().toHours(), suppressedWarnings.getAndSet(0));
        } else {
            suppressedWarnings.incrementAndGet();
            AuthorityLogger.LOG.providerUnansweredAgain(subject, reason);
        }
    }

    private static String signInHint(Setup current) {
        return current.factory().settings().baseUrl() + SignInPaths.SIGN_IN;
    }

    private static Set<String> ownersOfLiveTunnels(TunnelConnectionFactory factory) {
        Set<String> owners = new LinkedHashSet<>();
        for (TunnelInfo tunnel : factory.localTunnels()) {
            KeyOwner owner = tunnel.owner();
            if (owner != null) {
                owners.add(owner.subject());
            }
        }
        return owners;
    }
}
