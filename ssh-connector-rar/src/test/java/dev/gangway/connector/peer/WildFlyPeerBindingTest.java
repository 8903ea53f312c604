package dev.gangway.connector.peer;

import dev.gangway.connector.tls.MscTestServices;
import org.jboss.as.network.NetworkInterfaceBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.server.TestCurrentServiceContainer;
import org.jboss.msc.service.ServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer port's socket binding from a real MSC container, as WildFly installs it: on demand, with a port offset. */
class WildFlyPeerBindingTest {

    private ServiceContainer container;

    @BeforeEach
    void container() {
        container = ServiceContainer.Factory.create("gangway-peer-test");
        TestCurrentServiceContainer.set(container);
    }

    @AfterEach
    void shutdown() throws Exception {
        TestCurrentServiceContainer.set(null);
        container.shutdown();
        container.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void findsTheBindingWithItsOffsetAndDemandsItWhileOpen() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        SocketBinding binding = new SocketBinding("gangway-peer", 7700, false, null, 0,
                new NetworkInterfaceBinding(List.of(), InetAddress.getLoopbackAddress()),
                MscTestServices.portOffset(100), List.of());
        ServiceController<?> service = MscTestServices.install(container,
                "org.wildfly.network.socket-binding.gangway-peer", binding, starts, stops);
        container.awaitStability();
        assertEquals(0, starts.get(), "on demand: nothing needs it yet");

        WildFlyPeerBinding peer = WildFlyPeerBinding.open("gangway-peer");
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7800), peer.address());
        assertEquals(1, starts.get());

        peer.close();
        container.awaitStability();
        assertEquals(1, stops.get(), "the demand went with close()");
        assertEquals(ServiceController.State.DOWN, service.getState());
    }

    @Test
    void aMissingBindingNamesTheCommandToCreateIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WildFlyPeerBinding.open("gangway-peer"));
        assertTrue(e.getMessage().contains("socket-binding=gangway-peer:add(interface=private"), e.getMessage());
    }
}
