package dev.gangway.accounts.registry;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * The key registry's log messages (ids GANGWAY 3000–3099), on category {@code dev.gangway.accounts.registry}. Key
 * changes are rare and an operator wants them; refused registrations (typos, wrong files) are DEBUG.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface RegistryLogger extends BasicLogger {

    RegistryLogger LOG = Logger.getMessageLogger(MethodHandles.lookup(), RegistryLogger.class,
            "dev.gangway.accounts.registry");

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3000, value = "Key %s (%s, named \"%s\") registered for %s")
    void keyAdded(String fingerprint, String type, String name, String owner);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3001, value = "Key %s of %s removed by %s")
    void keyRemoved(String fingerprint, String owner, String actor);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 3002, value = "Key %s of %s renamed to \"%s\" by %s")
    void keyRenamed(String fingerprint, String owner, String name, String actor);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 3003, value = "Key registration for %s refused (%s): %s")
    void registrationRefused(String subject, KeyRegistryException.Reason reason, String message);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3010, value = "Test endpoints are on (-Dgangway.test-endpoints=true): %s read and change the key "
            + "registry and sign visitors in without any authentication. This is for the integration tests only: remove the property from "
            + "any server people use")
    void testEndpointsEnabled(String path);
}
