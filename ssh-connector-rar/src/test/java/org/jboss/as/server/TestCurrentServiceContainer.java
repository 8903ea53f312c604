package org.jboss.as.server;

import org.jboss.msc.service.ServiceContainer;

/** Lets an in-JVM test play WildFly's part of setting the current service container (package-private there). */
public final class TestCurrentServiceContainer {

    private TestCurrentServiceContainer() {
    }

    public static void set(ServiceContainer container) {
        CurrentServiceContainer.setServiceContainer(container);
    }
}
