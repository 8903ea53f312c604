package dev.gangway.accounts.audit;

import jakarta.annotation.Resource;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import dev.gangway.connector.api.TunnelConnectionFactory;

/**
 * Registers the audit log's tunnel observer with the resource adapter while this deployment runs, in every
 * authentication mode, and takes it back at undeployment so that the adapter never calls into an undeployed WAR.
 */
@WebListener
public class TunnelAuditListener implements ServletContextListener {

    @Resource(lookup = TunnelConnectionFactory.JNDI_NAME)
    private TunnelConnectionFactory factory;

    private final TunnelAudit audit = new TunnelAudit();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        factory.observeTunnels(audit);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        factory.stopObserving(audit);
    }
}
