package dev.gangway.connector.peer;

import org.jboss.as.network.SocketBinding;
import org.jboss.as.server.CurrentServiceContainer;
import org.jboss.msc.Service;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StopContext;

import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The peer port's address from a WildFly socket binding, found through the MSC service container as
 * {@code connector.tls.WildFlyTlsSources} finds the https backend's: the binding's capability service
 * {@code org.wildfly.network.socket-binding.<name>} has the {@link SocketBinding} as its value, whose
 * {@link SocketBinding#getSocketAddress()} applies the server's port offset. The service is on-demand, so a small
 * service of ours requires it (demanding it, and proving it started) for as long as the peer port is open.
 */
public final class WildFlyPeerBinding implements PeerBinding {

    private static final ServiceName SOCKET_BINDING = ServiceName.parse("org.wildfly.network.socket-binding");
    private static final long START_WAIT_SECONDS = 30;

    private final InetSocketAddress address;
    private final ServiceController<?> demand;

    private WildFlyPeerBinding(InetSocketAddress address, ServiceController<?> demand) {
        this.address = address;
        this.demand = demand;
    }

    /** @throws IllegalStateException naming what to create when the binding is missing or does not start */
    public static WildFlyPeerBinding open(String socketBindingName) {
        ServiceContainer container = CurrentServiceContainer.getServiceContainer();
        if (container == null) {
            throw new IllegalStateException("there is no WildFly service container in this JVM to find socket binding "
                    + socketBindingName + " in");
        }
        ServiceName binding = SOCKET_BINDING.append(socketBindingName);
        if (container.getService(binding) == null) {
            throw new IllegalStateException("socket binding '" + socketBindingName + "' does not exist. Create it, e.g. "
                    + "/socket-binding-group=standard-sockets/socket-binding=" + socketBindingName
                    + ":add(interface=private, port=\"${gangway.peer.port:7700}\") as wildfly-config's "
                    + "configure-server.cli does, or set peerSocketBinding to an existing one; then reload");
        }
        CountDownLatch up = new CountDownLatch(1);
        ServiceBuilder<?> builder = container.addService(ServiceName.of("dev", "gangway", "peer-port",
                UUID.randomUUID().toString()));
        builder.requires(binding);
        builder.setInstance(new Service() {
            @Override
            public void start(StartContext context) {
                up.countDown();
            }

            @Override
            public void stop(StopContext context) {
                // Holds nothing; it exists to demand the socket binding.
            }
        });
        ServiceController<?> demand = builder.setInitialMode(ServiceController.Mode.ACTIVE).install();
        try {
            if (!up.await(START_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("socket binding '" + socketBindingName + "' did not start within "
                        + START_WAIT_SECONDS + " s (state " + container.getRequiredService(binding).getState()
                        + "); check the server log for why");
            }
            SocketBinding value = (SocketBinding) container.getRequiredService(binding).getValue();
            return new WildFlyPeerBinding(value.getSocketAddress(), demand);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            demand.setMode(ServiceController.Mode.REMOVE);
            throw new IllegalStateException("interrupted while waiting for socket binding " + socketBindingName, e);
        } catch (RuntimeException e) {
            demand.setMode(ServiceController.Mode.REMOVE);
            throw e;
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        demand.setMode(ServiceController.Mode.REMOVE);
    }
}
