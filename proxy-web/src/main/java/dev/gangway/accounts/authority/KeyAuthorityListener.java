package dev.gangway.accounts.authority;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import dev.gangway.connector.api.SsoSettings;
import dev.gangway.connector.api.TunnelConnectionFactory;

/**
 * Registers the registry's key authority with the SSH server while this deployment runs, in authMode sso only, and
 * takes it back at undeployment so that the server never calls into an undeployed WAR (it then refuses every key
 * until a WAR registers again).
 */
@WebListener
public class KeyAuthorityListener implements ServletContextListener {

    @Resource(lookup = TunnelConnectionFactory.JNDI_NAME)
    private TunnelConnectionFactory factory;

    @Inject
    private RegistryKeyAuthority authority;

    private boolean registered;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SsoSettings sso = factory.settings().sso();
        if (sso.enabled()) {
            authority.configure(sso);
            factory.useKeyAuthority(authority);
            registered = true;
            AuthorityLogger.LOG.registered(sso.allowedGroup(), sso.keyLifetime().toHours());
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (registered) {
            factory.clearKeyAuthority(authority);
            registered = false;
        }
    }
}
