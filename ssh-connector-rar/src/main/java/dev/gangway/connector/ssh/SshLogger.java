package dev.gangway.connector.ssh;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

import static org.jboss.logging.Logger.Level.DEBUG;
import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

/**
 * Log lines of the SSH server. Ids 1100–1299. Server lifecycle and tunnel open/close at INFO on
 * {@code dev.gangway.connector.ssh}; per-client noise (refused requests, dropped connections) at DEBUG on
 * {@code dev.gangway.connector.ssh.client}, so that a misbehaving client cannot flood the server log.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
interface SshLogger extends BasicLogger {

    SshLogger LOG = Logger.getMessageLogger(SshLogger.class, "dev.gangway.connector.ssh");

    /** Per-client events: refusals, keepalive drops, channel failures. */
    SshLogger CLIENT = Logger.getMessageLogger(SshLogger.class, "dev.gangway.connector.ssh.client");

    @LogMessage(level = INFO)
    @Message(id = 1100, value = "SSH tunnel server listening on %s:%d (host key %s %s, client keys: %s)")
    void started(String bindAddress, int port, String keyType, String fingerprint, String authMode);

    @LogMessage(level = INFO)
    @Message(id = 1101, value = "SSH tunnel server stopped")
    void stopped();

    @LogMessage(level = INFO)
    @Message(id = 1102, value = "Generated a new %s SSH host key in %s (fingerprint %s); clients will be asked to trust it once. Back this file up: losing it changes the server's identity")
    void hostKeyGenerated(String keyType, String file, String fingerprint);

    @LogMessage(level = INFO)
    @Message(id = 1108, value = "Another server created the SSH host key file %s at the same moment; using its key (fingerprint %s), as every node of a cluster must present the same key")
    void hostKeyLoadedAfterRace(String file, String fingerprint);

    @LogMessage(level = WARN)
    @Message(id = 1103, value = "Stopping the SSH tunnel server did not finish cleanly: %s. Connections may have been cut without a goodbye; if threads named gangway-ssh-* remain, restart the server")
    void stopIncomplete(String what, @Cause Throwable cause);

    @LogMessage(level = INFO)
    @Message(id = 1104, value = "Tunnel %s opened by client %s (user %s): %s")
    void tunnelOpened(String key, String clientId, String envId, String url);

    @LogMessage(level = INFO)
    @Message(id = 1105, value = "Tunnel %s closed by client %s (user %s)")
    void tunnelClosed(String key, String clientId, String envId);

    @LogMessage(level = INFO)
    @Message(id = 1106, value = "Client %s (user %s) disconnected; its %d tunnel(s) are gone")
    void clientDisconnected(String clientId, String envId, int tunnels);

    @LogMessage(level = ERROR)
    @Message(id = 1107, value = "Authorized keys file %s cannot be read (%s); no client can log in until it is fixed. Check that it exists and is readable by the server's user")
    void authorizedKeysUnreadable(String file, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1120, value = "Client %s (user %s) logged in from %s")
    void clientAuthenticated(String clientId, String envId, String remote);

    @LogMessage(level = DEBUG)
    @Message(id = 1121, value = "Forward request %s '%s' of client %s refused: %s")
    void forwardRefused(String requestType, String request, String clientId, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1122, value = "Request '%s' of client %s refused: not offered by this server")
    void requestRefused(String request, String clientId);

    @LogMessage(level = DEBUG)
    @Message(id = 1123, value = "Client %s (user %s) did not answer %d keepalive probes in a row; closing its connection")
    void keepaliveTimeout(String clientId, String envId, int missed);

    @LogMessage(level = DEBUG)
    @Message(id = 1124, value = "Closing the connection of client %s (user %s): %s")
    void closingSession(String clientId, String envId, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1125, value = "Client %s refused a channel for %s: %s")
    void channelRefused(String clientId, String request, String message);

    @LogMessage(level = DEBUG)
    @Message(id = 1126, value = "Exec command '%s' of client %s failed")
    void execFailed(String command, String clientId, @Cause Throwable cause);

    @LogMessage(level = DEBUG)
    @Message(id = 1127, value = "Could not send the reply to a global request of client %s")
    void replyFailed(String clientId, @Cause Throwable cause);
}
