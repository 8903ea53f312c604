package dev.gangway.accounts.audit;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * The audit trail (ids GANGWAY 3300–3399) on category {@code dev.gangway.audit}, which wildfly-config sends to its own
 * file, {@code gangway-audit.log}, for an operator to ship to their SIEM. One line per event, each saying what
 * happened ({@code event=}), who did it ({@code actor=} name and subject), to what, and from where (the client's
 * address); the handler's format (wildfly-config) puts the time first and the node's name last ({@code node=}).
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface AuditLog extends BasicLogger {

    AuditLog LOG = Logger.getMessageLogger(MethodHandles.lookup(), AuditLog.class, "dev.gangway.audit");

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3300, value = "event=sign-in actor=%s subject=%s groups=%s from=%s")
    void signIn(String actor, String subject, String groups, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3301, value = "event=key-added actor=%s subject=%s key=%s name=\"%s\" from=%s")
    void keyAdded(String actor, String subject, String fingerprint, String name, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3302, value = "event=key-renamed actor=%s subject=%s key=%s name=\"%s\" from=%s")
    void keyRenamed(String actor, String subject, String fingerprint, String name, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3303, value = "event=key-removed actor=%s subject=%s key=%s owner=%s sessions-closed=%d from=%s")
    void keyRemoved(String actor, String subject, String fingerprint, String owner, int sessionsClosed, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3304, value = "event=tunnel-disconnected actor=%s subject=%s tunnel=%s key=%s sessions-closed=%d from=%s")
    void tunnelDisconnected(String actor, String subject, String tunnel, String fingerprint, int sessionsClosed,
                            String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3305, value = "event=ssh-login-allowed owner=%s subject=%s key=%s ssh-user=%s from=%s")
    void sshLoginAllowed(String owner, String subject, String fingerprint, String sshUser, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3306, value = "event=ssh-login-refused key=%s ssh-user=%s reason=\"%s\" from=%s")
    void sshLoginRefused(String fingerprint, String sshUser, String reason, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3307, value = "event=tunnel-opened owner=%s subject=%s key=%s client-id=%s ssh-user=%s tunnel=%s url=%s access=%s from=%s")
    void tunnelOpened(String owner, String subject, String fingerprint, String clientId, String sshUser, String tunnel,
                      String url, String access, String from);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3308, value = "event=tunnel-closed owner=%s subject=%s key=%s client-id=%s ssh-user=%s tunnel=%s url=%s access=%s reason=\"%s\" from=%s")
    void tunnelClosed(String owner, String subject, String fingerprint, String clientId, String sshUser, String tunnel,
                      String url, String access, String reason, String from);

    // 3320-3339: re-checks at the identity provider (authMode sso).

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3320, value = "event=standing-lost owner=%s subject=%s reason=\"%s\" trigger=%s sessions-closed=%d "
            + "from=identity-provider")
    void standingLost(String owner, String subject, String reason, String trigger, int sessionsClosed);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3321, value = "event=key-lifetime-passed owner=%s subject=%s last-confirmed=%s sessions-closed=%d "
            + "from=gangway")
    void keyLifetimePassed(String owner, String subject, String lastConfirmed, int sessionsClosed);
}
