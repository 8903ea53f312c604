package dev.gangway.connector;

import jakarta.resource.spi.ResourceAdapterInternalException;
import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

/**
 * Log lines and exceptions of the resource adapter's lifecycle and its outbound (JCA) side. Ids 1000–1099.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface ConnectorLogger extends BasicLogger {

    ConnectorLogger LOG = Logger.getMessageLogger(ConnectorLogger.class, "dev.gangway.connector");

    @LogMessage(level = INFO)
    @Message(id = 1000, value = "Gangway SSH connector started: SSH on %s:%d, tunnels under %s, authentication mode %s")
    void started(String bindAddress, int port, String baseUrl, String authMode);

    @LogMessage(level = INFO)
    @Message(id = 1001, value = "Gangway SSH connector stopped; every SSH session and tunnel was closed")
    void stopped();

    @Message(id = 1002, value = "Gangway SSH connector setting is invalid: %s. Fix it in /subsystem=resource-adapters/resource-adapter=gangway and reload")
    ResourceAdapterInternalException invalidSetting(String problem, @Cause Throwable cause);

    @Message(id = 1003, value = "Gangway SSH connector could not start its SSH server on %s:%d: %s. Fix what it names (a port in use: free it or change sshPort/sshBindAddress; an unreadable host key or authorized keys file: fix or remove the file), then reload")
    ResourceAdapterInternalException cannotStart(String bindAddress, int port, String reason, @Cause Throwable cause);

    @LogMessage(level = WARN)
    @Message(id = 1004, value = "Stopping the SSH server did not finish cleanly (%s); its threads were interrupted. If it repeats, take a thread dump during undeploy and report it")
    void stopIncomplete(String reason, @Cause Throwable cause);

    @Message(id = 1005, value = "Gangway SSH connector could not start its TLS front door on %s:%d: %s. Free the port or change tlsPort/tlsBindAddress (or set tlsEnabled=false), then reload")
    ResourceAdapterInternalException cannotStartTls(String bindAddress, int port, String reason, @Cause Throwable cause);

    @LogMessage(level = INFO)
    @Message(id = 1006, value = "Gangway SSH connector started: SSH only over TLS on port %d (sshPlainEnabled=false), tunnels under %s, authentication mode %s; the SSH server itself listens on 127.0.0.1:%d only")
    void startedWithoutPlainSsh(int tlsPort, String baseUrl, String authMode, int loopbackPort);

    @Message(id = 1011, value = "Gangway resource adapter is not started; check the server log for why it failed to start")
    IllegalStateException notStarted();
}
