package dev.gangway.accounts.authority;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The key authority's log messages (ids GANGWAY 3200–3299), on category {@code dev.gangway.accounts.authority}. */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface AuthorityLogger extends BasicLogger {

    AuthorityLogger LOG = Logger.getMessageLogger(MethodHandles.lookup(), AuthorityLogger.class,
            "dev.gangway.accounts.authority");

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3200, value = "Key authority registered: SSH keys registered by members of %s whose sign-in is "
            + "younger than %d h may open tunnels")
    void registered(String allowedGroup, long keyLifetimeHours);
}
