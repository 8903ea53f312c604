package dev.gangway.connector.ssh;

import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.nio2.Nio2Acceptor;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2Session;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.ExecutorService;

/**
 * MINA's NIO2 acceptor that can also take a connection someone else accepted: the TLS front door's plaintext channel
 * for SSH over TLS. An adopted channel becomes a session exactly as MINA's own accept handler makes one (2.20:
 * create the session, tell the handler, register it with the service so that stopping the server closes it, start
 * reading), so the SSH server cannot tell it from a plain connection, except by its {@code Nio2Session} socket.
 */
final class AdoptingNio2Acceptor extends Nio2Acceptor {

    private final Nio2ServiceFactory factory;

    AdoptingNio2Acceptor(Nio2ServiceFactory factory, PropertyResolver resolver, IoHandler handler,
                         AsynchronousChannelGroup group, ExecutorService resumeTasks) {
        super(factory, resolver, handler, group, resumeTasks);
        this.factory = factory;
    }

    void adopt(AsynchronousSocketChannel channel) throws Exception {
        Nio2Session session;
        try {
            session = factory.createSession(this, getIoHandler(), channel, channel.getLocalAddress());
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("MINA could not create a session: " + e, e);
        }
        try {
            getIoHandler().sessionCreated(session);
            if (mapSession(session) == null) {
                throw new IOException("the SSH server is stopping");
            }
            session.startReading();
        } catch (Exception e) {
            session.close(true);
            throw e;
        }
    }
}
