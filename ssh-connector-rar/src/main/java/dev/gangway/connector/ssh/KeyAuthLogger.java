package dev.gangway.connector.ssh;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

import static org.jboss.logging.Logger.Level.DEBUG;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

/**
 * Log lines of key decisions in authMode {@code sso} and of revocations. Ids 1500–1549. Everything is on
 * {@code dev.gangway.connector.ssh.auth}, so that an operator can raise or lower it alone: refusals of unknown keys
 * are DEBUG there (bots knock all day), what an operator must act on is WARN, logins and revocations INFO.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
interface KeyAuthLogger extends BasicLogger {

    KeyAuthLogger LOG = Logger.getMessageLogger(KeyAuthLogger.class, "dev.gangway.connector.ssh.auth");

    @LogMessage(level = WARN)
    @Message(id = 1500, value = "authMode sso but no key authority: is the proxy WAR deployed? Every SSH login is refused until it registers one (logged once until then)")
    void noKeyAuthority();

    @LogMessage(level = WARN)
    @Message(id = 1501, value = "The key authority gave no decision on key %s within %d ms; the login is refused. Check the key registry's database and the server log for what it was waiting on, or raise keyDecisionTimeoutSeconds")
    void decisionTimedOut(String fingerprint, long timeoutMillis);

    @LogMessage(level = WARN)
    @Message(id = 1502, value = "The key authority failed to decide on key %s; the login is refused. Check the cause below (often the key registry's database)")
    void decisionFailed(String fingerprint, @Cause Throwable cause);

    @LogMessage(level = INFO)
    @Message(id = 1503, value = "Key authority %s registered: SSH logins in authMode sso are decided by it")
    void authorityRegistered(String authority);

    @LogMessage(level = INFO)
    @Message(id = 1504, value = "Key authority %s unregistered: SSH logins in authMode sso are refused until another registers")
    void authorityCleared(String authority);

    @LogMessage(level = DEBUG)
    @Message(id = 1505, value = "Key %s (%s) of user %s from %s refused%s: %s")
    void refused(String fingerprint, String keyType, String userName, String remote, String step, String reason);

    @LogMessage(level = INFO)
    @Message(id = 1506, value = "Client %s (user %s) logged in from %s with key %s of %s (%s)")
    void loggedIn(String clientId, String userName, String remote, String fingerprint, String ownerName,
                  String ownerSubject);

    @LogMessage(level = INFO)
    @Message(id = 1507, value = "Disconnected client %s (user %s, key %s, owner %s) and its %d tunnel(s): %s")
    void disconnected(String clientId, String userName, String fingerprint, String owner, int tunnels, String reason);
}
