package dev.gangway.accounts.signin;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** Sign-in's log messages (ids GANGWAY 3100–3199), on category {@code dev.gangway.accounts.signin}. */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface SignInLogger extends BasicLogger {

    SignInLogger LOG = Logger.getMessageLogger(MethodHandles.lookup(), SignInLogger.class,
            "dev.gangway.accounts.signin");

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3100, value = "%s (subject %s) signed in from %s")
    void signedIn(String displayName, String subject, String remoteAddress);
}
