package dev.gangway.accounts.authority;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import dev.gangway.accounts.signin.OidcClientSettings;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.connector.api.TunnelConnectionFactory;

/**
 * Registers the registry's key authority with the SSH server while this deployment runs, in authMode sso only, and
 * takes it back at undeployment so that the server never calls into an undeployed WAR (it then refuses every key
 * until a WAR registers again). With it runs the periodic re-check of the owners of this node's live tunnels.
 *
 * <p>The period is a task on the server's default managed scheduled executor rather than an EJB timer: the server
 * has no EJB layer (wildfly-config's Galleon layers), and the task must not be persistent: it re-checks the sessions
 * this node holds in memory, which do not outlive the node, and in a cluster each node re-checks the owners of its own
 * sessions. Fixed delay, so that a slow provider never makes rounds pile up.
 */
@WebListener
public class KeyAuthorityListener implements ServletContextListener {

    @Resource(lookup = TunnelConnectionFactory.JNDI_NAME)
    private TunnelConnectionFactory factory;

    @Resource
    private ManagedScheduledExecutorService scheduler;

    @Inject
    private RegistryKeyAuthority authority;

    @Inject
    private StandingRecheck recheck;

    private boolean registered;
    private ScheduledFuture<?> rounds;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SsoSettings sso = factory.settings().sso();
        if (!sso.enabled()) {
            return;
        }
        ProviderClient provider = OidcClientSettings.of(event.getServletContext())
                .map(client -> new ProviderClient(client, sso.groupsClaim(), sso.adminGroup())).orElse(null);
        recheck.configure(sso, provider, factory);
        authority.configure(sso);
        factory.useKeyAuthority(authority);
        registered = true;
        AuthorityLogger.LOG.registered(sso.allowedGroup(), sso.keyLifetime().toHours());
        long minutes = sso.recheckInterval().toMinutes();
        rounds = scheduler.scheduleWithFixedDelay(() -> round(minutes), minutes, minutes, TimeUnit.MINUTES);
        if (provider == null) {
            AuthorityLogger.LOG.noOidcClient(sso.keyLifetime().toHours());
        } else {
            AuthorityLogger.LOG.recheckScheduled(String.valueOf(provider.issuer()), minutes);
        }
    }

    /** One round; a failure must not end the schedule (an exception would cancel every later round). */
    private void round(long minutes) {
        try {
            recheck.round();
        } catch (RuntimeException e) {
            AuthorityLogger.LOG.roundFailed(minutes, e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (rounds != null) {
            rounds.cancel(false);
            rounds = null;
        }
        if (registered) {
            factory.clearKeyAuthority(authority);
            registered = false;
        }
    }
}
