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

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3201, value = "Key owners are re-checked at the identity provider %s at each SSH login and, for "
            + "the owners of this node's live tunnels, every %d min")
    void recheckScheduled(String issuer, long intervalMinutes);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3202, value = "authMode sso, but this deployment has no OpenID Connect client settings (provider URL, "
            + "client id and secret of the elytron-oidc-client secure deployment proxy-web.war): key owners are not "
            + "re-checked at the provider, so their keys work until %d h after each sign-in whatever the provider "
            + "says meanwhile. Apply wildfly-config's configure-server.cli and reload")
    void noOidcClient(long keyLifetimeHours);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3203, value = "Could not re-check %s at the identity provider %s: %s. Their keys keep working until "
            + "%d h after their last confirmation (ssoKeyLifetimeHours) unless the provider answers before. Check "
            + "that this server reaches the provider and that the client id and secret of the elytron-oidc-client "
            + "secure deployment are right (%d more failed re-checks since the last such warning were logged at "
            + "DEBUG)")
    void providerUnanswered(String owner, String issuer, String reason, long keyLifetimeHours, long suppressed);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 3204, value = "Could not re-check %s at the identity provider: %s")
    void providerUnansweredAgain(String owner, String reason);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3205, value = "%s (subject %s) lost their standing at the identity provider (%s; re-checked at %s): "
            + "%d SSH connections closed, their keys refused until they sign in again")
    void standingLost(String owner, String subject, String reason, String trigger, int sessionsClosed);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 3206, value = "Re-checked %s (subject %s) at the identity provider (%s): %s")
    void rechecked(String owner, String subject, String trigger, String outcome);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3207, value = "A periodic re-check of key owners failed; it runs again in %d min. If it keeps "
            + "failing, look at the cause below")
    void roundFailed(long intervalMinutes, @org.jboss.logging.annotations.Cause Throwable cause);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3208, value = "Re-checking %s at the identity provider failed. Their last standing holds within "
            + "the key lifetime")
    void recheckFailed(String owner, @org.jboss.logging.annotations.Cause Throwable cause);
}
