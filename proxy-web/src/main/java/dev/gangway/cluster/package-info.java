/**
 * The cluster-wide tunnel directory of a clustered server: a replicated Infinispan cache ({@code gangway/tunnels})
 * that maps each tunnel key to the node holding it, handed to the resource adapter as its
 * {@link dev.gangway.connector.api.TunnelCluster}. On a single node the cache is local and nothing is registered.
 */
package dev.gangway.cluster;
