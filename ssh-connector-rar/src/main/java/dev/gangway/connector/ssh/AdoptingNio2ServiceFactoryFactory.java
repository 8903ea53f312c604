package dev.gangway.connector.ssh;

import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;

import java.util.function.Consumer;

/** Sets {@link AdoptingNio2ServiceFactory} into the SSH server, on the executors the server owns. */
final class AdoptingNio2ServiceFactoryFactory extends Nio2ServiceFactoryFactory {

    private final Consumer<AdoptingNio2Acceptor> created;

    AdoptingNio2ServiceFactoryFactory(Factory<CloseableExecutorService> executors, Consumer<AdoptingNio2Acceptor> created) {
        super(executors);
        this.created = created;
    }

    @Override
    public IoServiceFactory create(FactoryManager manager) {
        return new AdoptingNio2ServiceFactory(manager, newExecutor(), newExecutor(), created);
    }
}
