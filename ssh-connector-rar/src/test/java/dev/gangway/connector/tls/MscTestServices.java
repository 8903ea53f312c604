package dev.gangway.connector.tls;

import org.jboss.as.network.SocketBindingManager;
import org.jboss.msc.service.Service;
import org.jboss.msc.service.ServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StopContext;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/** Services in a real MSC container, installed as WildFly installs them, for the lookups' tests. */
public final class MscTestServices {

    private MscTestServices() {
    }

    /** As WildFly installs them: a legacy {@code Service<T>} (its getValue is what the lookup reads), on demand. */
    @SuppressWarnings("deprecation")
    public static <T> ServiceController<?> install(ServiceContainer container, String name, T value,
                                                   AtomicInteger starts, AtomicInteger stops) {
        return container.addService(ServiceName.parse(name), new Service<T>() {
            @Override
            public void start(StartContext context) {
                starts.incrementAndGet();
            }

            @Override
            public void stop(StopContext context) {
                stops.incrementAndGet();
            }

            @Override
            public T getValue() {
                return value;
            }
        }).setInitialMode(ServiceController.Mode.ON_DEMAND).install();
    }

    /** A socket binding manager that knows only the server's port offset. */
    public static SocketBindingManager portOffset(int offset) {
        return (SocketBindingManager) Proxy.newProxyInstance(SocketBindingManager.class.getClassLoader(),
                new Class<?>[] {SocketBindingManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getPortOffset")) {
                        return offset;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
