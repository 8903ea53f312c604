package dev.gangway.proxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a server: lets a test end a client's connection from outside the client (whose own API may
 * have no way to close it, as the JDK's HTTP/2 client has none), as a visitor whose network went away.
 */
final class CuttableRelay implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    CuttableRelay(InetSocketAddress target) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    accepted.incrementAndGet();
                    Socket upstream = new Socket(target.getAddress(), target.getPort());
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    return;
                }
            }
        }, "relay-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // cut
            }
        }, "relay-pump");
        pump.setDaemon(true);
        pump.start();
    }

    int accepted() {
        return accepted.get();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every relayed connection at once, both ends. */
    void cut() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
