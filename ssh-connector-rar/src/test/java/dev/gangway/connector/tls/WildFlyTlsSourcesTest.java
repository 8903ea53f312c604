package dev.gangway.connector.tls;

import jakarta.resource.spi.ResourceAdapterInternalException;
import org.jboss.as.network.NetworkInterfaceBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.network.SocketBindingManager;
import org.jboss.as.server.TestCurrentServiceContainer;
import org.jboss.msc.service.Service;
import org.jboss.msc.service.ServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StartException;
import org.jboss.msc.service.StopContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WildFly lookup against a real MSC container holding services as WildFly installs them: legacy
 * {@code Service<T>} values under the capability service names, on demand, the socket binding with a port offset.
 */
class WildFlyTlsSourcesTest {

    private ServiceContainer container;
    private final AtomicInteger sslStarts = new AtomicInteger();
    private final AtomicInteger sslStops = new AtomicInteger();
    private SSLContext sslContext;

    @BeforeEach
    void container() throws Exception {
        container = ServiceContainer.Factory.create("gangway-test");
        TestCurrentServiceContainer.set(container);
        sslContext = SSLContext.getInstance("TLS");
        sslContext.init(null, null, null);
    }

    @AfterEach
    void shutdown() throws Exception {
        TestCurrentServiceContainer.set(null);
        container.shutdown();
        container.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void findsBothServicesDemandsThemAndReleasesTheDemand() throws Exception {
        ServiceController<?> ssl = install("org.wildfly.security.ssl-context.gangwaySSC", sslContext, sslStarts, sslStops);
        SocketBinding binding = new SocketBinding("gangway-https-backend", 8444, false, null, 0,
                new NetworkInterfaceBinding(List.of(), InetAddress.getLoopbackAddress()), portOffset(100), List.of());
        install("org.wildfly.network.socket-binding.gangway-https-backend", binding, new AtomicInteger(), new AtomicInteger());
        container.awaitStability();
        assertEquals(0, sslStarts.get(), "on demand: nothing needs it yet");

        WildFlyTlsSources sources = WildFlyTlsSources.open(settings());
        assertEquals(1, sslStarts.get());
        assertSame(sslContext, sources.sslContext());
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8544), sources.httpsBackend());

        sources.close();
        container.awaitStability();
        assertEquals(1, sslStops.get(), "the demand went with close()");
        assertEquals(ServiceController.State.DOWN, ssl.getState());
    }

    @Test
    void aMissingSslContextNamesItAndTheCommandToCreateIt() {
        install("org.wildfly.network.socket-binding.gangway-https-backend", null, new AtomicInteger(), new AtomicInteger());
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> WildFlyTlsSources.open(settings()));
        assertTrue(e.getMessage().contains("server-ssl-context 'gangwaySSC'"), e.getMessage());
        assertTrue(e.getMessage().contains("/subsystem=elytron/server-ssl-context=gangwaySSC:add("), e.getMessage());
    }

    @Test
    void aMissingSocketBindingNamesItAndTheCommandToCreateIt() {
        install("org.wildfly.security.ssl-context.gangwaySSC", sslContext, sslStarts, sslStops);
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> WildFlyTlsSources.open(settings()));
        assertTrue(e.getMessage().contains("socket binding 'gangway-https-backend'"), e.getMessage());
        assertTrue(e.getMessage().contains("socket-binding=gangway-https-backend:add("), e.getMessage());
    }

    @Test
    void anSslContextThatFailsToStartFailsTheLookupAtOnceWithItsReason() {
        container.addService(ServiceName.parse("org.wildfly.security.ssl-context.gangwaySSC"), new Service<SSLContext>() {
            @Override
            public void start(StartContext context) throws StartException {
                throw new StartException("key store gangway-tls.p12: wrong password");
            }

            @Override
            public void stop(StopContext context) {
            }

            @Override
            public SSLContext getValue() {
                return null;
            }
        }).setInitialMode(ServiceController.Mode.ON_DEMAND).install();
        install("org.wildfly.network.socket-binding.gangway-https-backend", null, new AtomicInteger(), new AtomicInteger());
        long started = System.nanoTime();
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> WildFlyTlsSources.open(settings()));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "failed at once, not after the wait");
    }

    private static TlsSettings settings() {
        return new TlsSettings("0.0.0.0", 8443, "gangwaySSC", "gangway-https-backend", List.of(), Duration.ofSeconds(10));
    }

    private <T> ServiceController<?> install(String name, T value, AtomicInteger starts, AtomicInteger stops) {
        return MscTestServices.install(container, name, value, starts, stops);
    }

    private static SocketBindingManager portOffset(int offset) {
        return MscTestServices.portOffset(offset);
    }
}
