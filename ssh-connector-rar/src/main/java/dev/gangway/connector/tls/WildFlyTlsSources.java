package dev.gangway.connector.tls;

import jakarta.resource.spi.ResourceAdapterInternalException;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.server.CurrentServiceContainer;
import org.jboss.msc.Service;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StopContext;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link TlsSources} from the WildFly server's MSC service container: Elytron's {@code server-ssl-context} and the
 * https listener's socket binding, each the value of its capability's service.
 *
 * <p>Service names, checked in the WildFly Core 31 sources: a dynamic capability's service name is its name parsed
 * as a service name with the resource name appended, so {@code org.wildfly.security.ssl-context.<name>}
 * (ElytronDefinition's SSL_CONTEXT_CAPABILITY, value {@link SSLContext}, installed as a legacy
 * {@code Service<SSLContext>} whose {@code getValue()} works) and {@code org.wildfly.network.socket-binding.<name>}
 * (SocketBindingService, value {@link SocketBinding}, port offset applied by {@link SocketBinding#getSocketAddress}).
 *
 * <p>Both services are on-demand: they run only while something needs them. The RAR cannot declare an MSC
 * dependency of its own start, so it installs a small service that requires both and waits (bounded) until it is
 * up: that demands them, and proves they started, before the front door binds.
 *
 * <p>Rotation: Elytron's key-manager {@code init()} stops and starts the key-manager's service object in place, and
 * that value is a delegating key manager whose delegate is swapped, so the SSLContext built on it serves the new key
 * without being rebuilt. Not so while the key manager is the lazy one that makes a self-signed certificate on first
 * use ({@code generate-self-signed-certificate-host}): {@code init()} makes a new object the SSLContext never sees, so
 * the first rotation away from a generated certificate needs a reload (Undertow's https listener is in the same
 * position); that is why the build makes the default certificate file instead (wildfly-config), and the rotation IT
 * rotates with no reload. The context is still looked up again for every SSH over TLS connection,
 * which also covers a server-ssl-context that was removed and added again.
 */
public final class WildFlyTlsSources implements TlsSources {

    private static final ServiceName SSL_CONTEXT = ServiceName.parse("org.wildfly.security.ssl-context");
    private static final ServiceName SOCKET_BINDING = ServiceName.parse("org.wildfly.network.socket-binding");
    private static final long START_WAIT_SECONDS = 30;

    private final ServiceContainer container;
    private final ServiceName sslContext;
    private final ServiceName socketBinding;
    private final ServiceController<?> demand;

    private WildFlyTlsSources(ServiceContainer container, ServiceName sslContext, ServiceName socketBinding,
                              ServiceController<?> demand) {
        this.container = container;
        this.sslContext = sslContext;
        this.socketBinding = socketBinding;
        this.demand = demand;
    }

    /** Finds both services or fails with what to create; waits until both are up. */
    public static WildFlyTlsSources open(TlsSettings settings) throws ResourceAdapterInternalException {
        ServiceContainer container;
        try {
            container = CurrentServiceContainer.getServiceContainer();
        } catch (RuntimeException | LinkageError e) {
            throw TlsLogger.LOG.lookupFailed("the MSC service container", String.valueOf(e), e);
        }
        if (container == null) {
            throw TlsLogger.LOG.lookupFailed("the MSC service container", "there is none in this JVM", null);
        }
        ServiceName ssl = SSL_CONTEXT.append(settings.sslContextName());
        ServiceName binding = SOCKET_BINDING.append(settings.httpsSocketBinding());
        if (container.getService(ssl) == null) {
            throw TlsLogger.LOG.missingSslContext(settings.sslContextName(), settings.sslContextName());
        }
        if (container.getService(binding) == null) {
            throw TlsLogger.LOG.missingSocketBinding(settings.httpsSocketBinding(), settings.httpsSocketBinding());
        }
        CountDownLatch up = new CountDownLatch(1);
        ServiceBuilder<?> builder = container.addService(ServiceName.of("dev", "gangway", "tls-front-door",
                UUID.randomUUID().toString()));
        builder.requires(ssl);
        builder.requires(binding);
        builder.setInstance(new Service() {
            @Override
            public void start(StartContext context) {
                up.countDown();
            }

            @Override
            public void stop(StopContext context) {
                // Holds nothing; it exists to demand the two services.
            }
        });
        ServiceController<?> demand = builder.setInitialMode(ServiceController.Mode.ACTIVE).install();
        try {
            awaitUp(container, up, ssl, binding, settings);
        } catch (ResourceAdapterInternalException e) {
            demand.setMode(ServiceController.Mode.REMOVE);
            throw e;
        }
        return new WildFlyTlsSources(container, ssl, binding, demand);
    }

    /** Until both are up; at once with the reason when one of them failed to start (a key store it cannot read). */
    private static void awaitUp(ServiceContainer container, CountDownLatch up, ServiceName ssl, ServiceName binding,
                                TlsSettings settings) throws ResourceAdapterInternalException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_WAIT_SECONDS);
        try {
            while (!up.await(50, TimeUnit.MILLISECONDS)) {
                for (ServiceName name : new ServiceName[] {ssl, binding}) {
                    ServiceController<?> controller = container.getService(name);
                    if (controller == null) {
                        throw TlsLogger.LOG.serviceNotUp(name.getCanonicalName(), 0, "removed");
                    }
                    if (controller.getState() == ServiceController.State.START_FAILED) {
                        throw TlsLogger.LOG.serviceFailed(name.getCanonicalName(),
                                String.valueOf(controller.getStartException()));
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw TlsLogger.LOG.serviceNotUp("ssl-context " + settings.sslContextName() + " or socket binding "
                                    + settings.httpsSocketBinding(), START_WAIT_SECONDS,
                            container.getRequiredService(ssl).getState() + " / "
                                    + container.getRequiredService(binding).getState());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TlsLogger.LOG.lookupFailed("ssl-context " + settings.sslContextName(), "interrupted", e);
        }
    }

    @Override
    public SSLContext sslContext() {
        return (SSLContext) container.getRequiredService(sslContext).getValue();
    }

    @Override
    public InetSocketAddress httpsBackend() {
        InetSocketAddress address = ((SocketBinding) container.getRequiredService(socketBinding).getValue()).getSocketAddress();
        // A listener on the wildcard address is reached through loopback.
        return address.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort()) : address;
    }

    @Override
    public void close() {
        demand.setMode(ServiceController.Mode.REMOVE);
    }
}
