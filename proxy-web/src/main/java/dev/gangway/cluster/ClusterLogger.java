package dev.gangway.cluster;

import java.lang.invoke.MethodHandles;
import java.util.Collection;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The cluster directory's log messages (ids GANGWAY 3400–3499), on category {@code dev.gangway.cluster}. */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface ClusterLogger extends BasicLogger {

    ClusterLogger LOG = Logger.getMessageLogger(MethodHandles.lookup(), ClusterLogger.class, "dev.gangway.cluster");

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3400, value = "Cluster tunnel directory in use: this node is %s, cluster view %s")
    void directoryInUse(String node, Collection<String> members);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3401, value = "This node's cluster name %s differs from jboss.node.name %s: other nodes and the "
            + "audit log know it by different names. Leave the JGroups channel's name unset (it defaults to "
            + "jboss.node.name) or give both the same value")
    void nodeNameMismatch(String clusterName, String jbossNodeName);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 3402, value = "Cluster view changed%s: members %s; removing %d entries (tunnels and peer addresses) of departed nodes")
    void viewChanged(String merge, Collection<String> members, int departedEntries);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3403, value = "Could not remove the tunnel entry %s of departed node %s from the cluster directory; "
            + "the next view change retries. If this repeats, check the cluster's health (jboss-cli "
            + "/subsystem=infinispan/cache-container=gangway:read-resource(include-runtime=true))")
    void departedRemoveFailed(String key, String node, @Cause Throwable cause);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3404, value = "The cluster directory entry for %s cannot be read (%s); it is ignored. It may come "
            + "from a node running another Gangway version")
    void unreadableEntry(String key, String problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 3405, value = "A cluster view listener failed on a view change; the others were told. This is a "
            + "bug: please report it with this stack trace")
    void listenerFailed(@Cause Throwable cause);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 3406, value = "Single node: the gangway/tunnels cache is local, no cluster directory registered")
    void singleNode();
}
