package dev.gangway.connector.tunnel;

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
 * Log lines of the tunnel registry. Ids 1300–1399. Refusals go back to the SSH client and are logged at DEBUG only:
 * they are the client's business, and a misbehaving client must not be able to flood the server log.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
interface TunnelLogger extends BasicLogger {

    TunnelLogger LOG = Logger.getMessageLogger(TunnelLogger.class, "dev.gangway.connector.tunnel");

    @LogMessage(level = ERROR)
    @Message(id = 1300, value = "A tunnel listener (%s) failed when told that %s %s; the registry itself is consistent, but what the listener keeps (metrics, pooled channels) may now be stale. Report this as a bug with the stack trace")
    void listenerFailed(String listener, String tunnel, String event, @Cause Throwable cause);

    @LogMessage(level = INFO)
    @Message(id = 1301, value = "Tunnel %s taken over: its previous connection (client %s, user %s) did not answer a liveness check within %s and was closed")
    void takenOver(String key, String clientId, String envId, String timeout);

    @LogMessage(level = DEBUG)
    @Message(id = 1302, value = "Forward %s of client %s refused: %s")
    void refused(String requestString, String clientId, String reason);

    @LogMessage(level = WARN)
    @Message(id = 1303, value = "Could not close the connection of client %s (user %s) after it lost a tunnel to a take-over; its keepalive will drop it if it is really dead. If it repeats, report it with the stack trace")
    void closeFailed(String clientId, String envId, @Cause Throwable cause);

    @LogMessage(level = ERROR)
    @Message(id = 1390, value = "A tunnel observer (%s) failed when told that tunnel %s %s; the audit log may miss this event. Report this as a bug with the stack trace")
    void observerFailed(String observer, String key, String event, @Cause Throwable cause);

    @LogMessage(level = WARN)
    @Message(id = 1304, value = "Tunnel %s could not be %s in the cluster directory (%s); the forward was refused and the client will retry. Check that the cluster's tunnels cache is running on this node (server log, /subsystem=infinispan/cache-container=gangway) and that this node is in the cluster view")
    void clusterWriteFailed(String key, String what, String reason, @Cause Throwable cause);

    @LogMessage(level = WARN)
    @Message(id = 1305, value = "Tunnel %s is held on node %s, which could not be asked whether its connection is alive (%s); the forward was refused. Check that node's peer port (%s) is reachable from this node and that both nodes have the same clusterSecret")
    void holderUnreachable(String key, String node, String reason, String peerAddress);

    @LogMessage(level = INFO)
    @Message(id = 1306, value = "Tunnel %s taken over from node %s: %s")
    void takenOverFromNode(String key, String node, String why);

    @LogMessage(level = INFO)
    @Message(id = 1307, value = "Tunnel %s was held here and on node %s after the cluster partitions merged; %s keeps it (the connection opened first; a tie goes to the smaller node name)")
    void mergeConflict(String key, String node, String keeper);

    @LogMessage(level = INFO)
    @Message(id = 1308, value = "Released %d cluster directory entries naming this node that it does not hold (left from before a partition healed)")
    void staleEntriesReleased(int count);
}
