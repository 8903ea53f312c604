package dev.gangway.proxy.web;

import jakarta.annotation.Resource;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import dev.gangway.accounts.visit.VisitorHandoff;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.proxy.inject.BrotliSupport;
import dev.gangway.proxy.log.ProxyLogger;

/**
 * Hands the resource adapter's connection factory to the handler. The {@code @Resource} is what tells WildFly that
 * this deployment depends on the JNDI binding, so the WAR never starts before the adapter has bound it.
 */
@WebListener
public class TunnelFactoryListener implements ServletContextListener {

    @Resource(lookup = TunnelConnectionFactory.JNDI_NAME)
    private TunnelConnectionFactory factory;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ProxyRuntime runtime;
        try {
            runtime = ProxyRuntime.create(factory);
        } catch (IllegalArgumentException e) {
            ProxyLogger.ROOT.invalidSettings(e.getMessage());
            // Failing the deployment is louder, and safer, than proxying with half a configuration.
            throw e;
        }
        // Loads brotli's native library now (a file copy), not on the I/O thread of the first br page; logs once if
        // it cannot, and such pages then pass through without scripts.
        BrotliSupport.isAvailable();
        event.getServletContext().setAttribute(ProxyRuntime.ATTRIBUTE, runtime);
        event.getServletContext().setAttribute(VisitorHandoff.ATTRIBUTE, runtime.handoff());
        ProxyLogger.ROOT.proxyReady(runtime.baseHost(), factory.settings().trustedProxies().size());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(VisitorHandoff.ATTRIBUTE);
        event.getServletContext().removeAttribute(ProxyRuntime.ATTRIBUTE);
    }
}
