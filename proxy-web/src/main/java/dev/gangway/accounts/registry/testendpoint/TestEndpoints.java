package dev.gangway.accounts.registry.testendpoint;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import dev.gangway.accounts.registry.RegistryLogger;
import dev.gangway.accounts.visit.testendpoint.VisitorHandoffTestServlet;

/**
 * Maps {@link RegistryTestServlet} and {@link VisitorHandoffTestServlet} only when {@code gangway.test-endpoints} is {@code true} at deployment. Mapped
 * from code rather than by {@code @WebServlet}, so that a default server has no such servlet at all (not one that
 * refuses), and rather than as a Jakarta REST resource, because REST scanning would pick a resource up in any
 * application that the self-service API adds later.
 */
@WebListener
public class TestEndpoints implements ServletContextListener {

    /** The system property that switches the test endpoints on. */
    public static final String PROPERTY = "gangway.test-endpoints";

    static final String PATH = "/_gangway-test/registry/";
    static final String HANDOFF_PATH = "/_gangway-test/visitor-handoff";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        event.getServletContext().addServlet("gangway-registry-test", RegistryTestServlet.class)
                .addMapping(PATH + "*");
        event.getServletContext().addServlet("gangway-visitor-handoff-test", VisitorHandoffTestServlet.class)
                .addMapping(HANDOFF_PATH);
        RegistryLogger.LOG.testEndpointsEnabled(PATH + "*, " + HANDOFF_PATH);
    }
}
