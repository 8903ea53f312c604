package dev.gangway.cluster;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import org.infinispan.Cache;

import dev.gangway.connector.api.TunnelConnectionFactory;

/**
 * Registers the cluster tunnel directory with the resource adapter while the WAR is deployed, if the server is
 * clustered. The {@code @Resource} on the cache gives the deployment its MSC dependency on the cache (so the cache is
 * started, and has received the other nodes' entries, before the WAR starts); the single-node configuration defines
 * the same cache as a local one, which this listener recognises and leaves alone, so a single node behaves exactly
 * as without it.
 */
@WebListener
public class ClusterRegistration implements ServletContextListener {

    /** The cache the wildfly-config scripts define: container {@code gangway}, cache {@code tunnels}. */
    public static final String CACHE_JNDI_NAME = "java:jboss/infinispan/cache/gangway/tunnels";

    @Resource(lookup = CACHE_JNDI_NAME)
    private Cache<String, String> cache;

    @Resource(lookup = TunnelConnectionFactory.JNDI_NAME)
    private TunnelConnectionFactory factory;

    @Resource
    private ManagedScheduledExecutorService scheduler;

    private InfinispanTunnelCluster cluster;
    private ClusterViewWatch watch;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (!cache.getCacheConfiguration().clustering().cacheMode().isClustered()) {
            ClusterLogger.LOG.singleNode();
            return;
        }
        cluster = new InfinispanTunnelCluster(cache);
        String jbossNodeName = System.getProperty("jboss.node.name");
        if (jbossNodeName != null && !jbossNodeName.equals(cluster.localNode())) {
            ClusterLogger.LOG.nodeNameMismatch(cluster.localNode(), jbossNodeName);
        }
        watch = new ClusterViewWatch(cluster, scheduler);
        watch.start();
        factory.useTunnelCluster(cluster);
        ClusterLogger.LOG.directoryInUse(cluster.localNode(), cluster.members());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (cluster == null) {
            return;
        }
        factory.clearTunnelCluster(cluster);
        watch.stop();
        cluster = null;
        watch = null;
    }
}
