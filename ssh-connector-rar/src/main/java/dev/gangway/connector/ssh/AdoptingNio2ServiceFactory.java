package dev.gangway.connector.ssh;

import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * MINA's NIO2 service factory, making {@link AdoptingNio2Acceptor}s. MINA 2.20 keeps its channel group private, so
 * the acceptor binds the plain listener in a group of its own over the same I/O pool (one more JDK poller thread),
 * shut down with the factory.
 */
final class AdoptingNio2ServiceFactory extends Nio2ServiceFactory {

    private final CloseableExecutorService resumeTasks;
    private final AsynchronousChannelGroup acceptorGroup;
    private final Consumer<AdoptingNio2Acceptor> created;

    AdoptingNio2ServiceFactory(FactoryManager manager, CloseableExecutorService ioThreads,
                               CloseableExecutorService resumeTasks, Consumer<AdoptingNio2Acceptor> created) {
        super(manager, ioThreads, resumeTasks);
        this.resumeTasks = resumeTasks;
        this.created = created;
        try {
            this.acceptorGroup = AsynchronousChannelGroup.withThreadPool(ThreadUtils.noClose(ioThreads));
        } catch (IOException e) {
            throw new IllegalStateException("no NIO2 channel group for the SSH listener: " + e.getMessage(), e);
        }
    }

    @Override
    public IoAcceptor createAcceptor(IoHandler handler) {
        AdoptingNio2Acceptor acceptor = new AdoptingNio2Acceptor(this, getFactoryManager(), handler, acceptorGroup,
                resumeTasks);
        created.accept(acceptor);
        return autowireCreatedService(acceptor);
    }

    @Override
    protected void doCloseImmediately() {
        try {
            super.doCloseImmediately();
        } finally {
            try {
                acceptorGroup.shutdownNow();
                acceptorGroup.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // Its channels are being closed anyway.
            }
        }
    }
}
