package dev.gangway.connector.peer;

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
 * Log lines of the node-to-node (peer) port. Ids 1600–1649. Lifecycle and authentication failures on
 * {@code dev.gangway.connector.peer} (failed authentications throttled: a misconfigured node retries all the time);
 * per-stream events at DEBUG on {@code dev.gangway.connector.peer.stream}.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface PeerLogger extends BasicLogger {

    PeerLogger LOG = Logger.getMessageLogger(PeerLogger.class, "dev.gangway.connector.peer");

    PeerLogger STREAM = Logger.getMessageLogger(PeerLogger.class, "dev.gangway.connector.peer.stream");

    @LogMessage(level = INFO)
    @Message(id = 1600, value = "Peer port listening on %s as node %s; other nodes are told to reach it at %s")
    void started(String address, String node, String advertised);

    @LogMessage(level = INFO)
    @Message(id = 1601, value = "Peer port stopped")
    void stopped();

    @LogMessage(level = ERROR)
    @Message(id = 1602, value = "The cluster's tunnel directory was registered but the peer port cannot open: %s. This node keeps serving its own tunnels only, and other nodes cannot reach them. %s")
    void cannotOpen(String reason, String whatToDo);

    @LogMessage(level = WARN)
    @Message(id = 1603, value = "Refused a peer connection from %s: %s. If that is a node of this cluster, give it the same clusterSecret as this node (RA property clusterSecret, gangway.cluster.secret); otherwise something that is not a node reaches the peer port, which belongs on a private network. %d more such refusals since the last report")
    void refusedPeer(String remote, String reason, long suppressed);

    @LogMessage(level = WARN)
    @Message(id = 1604, value = "Node %s at %s could not prove it knows the cluster secret; nothing was asked of it. Give every node the same clusterSecret (gangway.cluster.secret), and check that peerAdvertiseAddress / the gangway-peer socket binding of that node point at that node. %d more such failures since the last report")
    void serverNotAuthenticated(String node, String address, long suppressed);

    @LogMessage(level = WARN)
    @Message(id = 1605, value = "Stopping the peer port did not finish cleanly: %s. If threads named gangway-peer-* remain, restart the server")
    void stopIncomplete(String what, @Cause Throwable cause);

    @LogMessage(level = WARN)
    @Message(id = 1606, value = "The peer port's socket binding %s binds the wildcard address %s, which other nodes cannot connect to; they are told %s. Set peerAdvertiseAddress (gangway.peer.advertise-address) to host:port of this node on the cluster network, or bind the socket binding to the private interface")
    void wildcardAdvertised(String binding, String address, String advertised);

    @LogMessage(level = WARN)
    @Message(id = 1607, value = "Node %s (%s) did not answer %s for tunnel %s: %s. Check that its peer port is reachable from this node")
    void peerFailed(String node, String address, String operation, String key, String reason);

    @LogMessage(level = WARN)
    @Message(id = 1608, value = "clusterNodeName is %s but the cluster knows this node as %s; entries are filed as %s. Set clusterNodeName to jboss.node.name (its default) so that log lines and the peer handshake name the node the cluster sees")
    void nodeNameMismatch(String configured, String clusterNode, String used);

    @LogMessage(level = INFO)
    @Message(id = 1609, value = "Using the cluster's tunnel directory as node %s: this node's tunnels are filed there, other nodes' are reached through their peer ports")
    void clusterRegistered(String node);

    @LogMessage(level = INFO)
    @Message(id = 1610, value = "The cluster's tunnel directory was unregistered: this node serves its own tunnels only")
    void clusterCleared();

    @LogMessage(level = INFO)
    @Message(id = 1611, value = "The cluster partitions merged: re-asserting this node's tunnels in the directory")
    void merged();

    @LogMessage(level = INFO)
    @Message(id = 1612, value = "Closed %d stream(s) to tunnels held on nodes that left the cluster view; their visitors' next requests go to wherever the tunnels reconnect")
    void departedStreamsClosed(int count);

    @LogMessage(level = WARN)
    @Message(id = 1613, value = "Could not file this node's peer address %s in the cluster's directory (%s): a revocation on another node reaches this node's SSH connections only where they hold tunnels. It is filed again at the next view change; check that the gangway/tunnels cache accepts writes (its partition handling, its log lines)")
    void cannotPublishAddress(String address, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1620, value = "Peer %s (node %s): %s %s")
    void operation(String remote, String node, String verb, String subject);

    @LogMessage(level = DEBUG)
    @Message(id = 1621, value = "Peer stream %s ended: %s")
    void streamEnded(String stream, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1622, value = "Accepting a peer connection failed (%s); accepting again shortly")
    void acceptFailed(String reason);
}
