package dev.gangway.accounts.authority;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * wait for a database: the lookup runs on the server's default managed executor (a container thread with this
 * application's context, so JPA and transactions work), and the answer completes the stage there.
 */
@ApplicationScoped
public class RegistryKeyAuthority implements KeyAuthority {

    @Inject
    private KeyRegistry registry;

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
        return executor.supplyAsync(() -> decideNow(login, sso));
    }

    private KeyDecision decideNow(KeyLogin login, SsoSettings sso) {
        Instant now = Instant.now();
        KeyInfo key = registry.findByFingerprint(login.fingerprint()).orElse(null);
        KeyDecision decision = KeyRules.decide(key, sso.allowedGroup(), sso.keyLifetime(), now);
        // A refusal ends the login at whichever step it comes (an unknown key is refused at the client's key query,
        // before it signs anything), so each is audited. A login is allowed only once the signed attempt is: the
        // query's yes is not yet a login, and only that attempt counts as the key's use.
        if (!decision.allowed()) {
            AuditLog.LOG.sshLoginRefused(login.fingerprint(), login.userName(), decision.reason(), login.remoteAddress());
        } else if (login.signatureVerified()) {
            registry.recordUse(login.fingerprint(), now);
            AuditLog.LOG.sshLoginAllowed(decision.owner().displayName(), decision.owner().subject(),
                    login.fingerprint(), login.userName(), login.remoteAddress());
        }
        return decision;
    }
}
