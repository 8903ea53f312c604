package dev.gangway.it.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of one node's JGroups port, which the node advertises to the others
 * ({@code gangway.cluster.external-port}), so that every cluster message to that node passes here. {@link #cut()}
 * closes every relayed connection and refuses new ones: a network partition made without privileges;
 * {@link #heal()} lets connections through again. Test code: a thread per direction of each connection.
 */
final class TcpRelay implements AutoCloseable {

    private final int listenPort;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile Thread acceptor;

    TcpRelay(int listenPort, int targetPort) {
        this.listenPort = listenPort;
        this.targetPort = targetPort;
    }

    synchronized void heal() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        server = listening;
        acceptor = new Thread(() -> accept(listening), "relay-" + listenPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    synchronized void cut() throws InterruptedException {
        ServerSocket listening = server;
        server = null;
        if (listening != null) {
            closeQuietly(listening);
            acceptor.join(5_000);
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket visitor = listening.accept();
                Socket target = new Socket();
                try {
                    target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                } catch (IOException e) {
                    closeQuietly(visitor);
                    closeQuietly(target);
                    continue;
                }
                sockets.add(visitor);
                sockets.add(target);
                pump(visitor, target);
                pump(target, visitor);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // Cut or closed: the other direction ends with it below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "relay-" + listenPort + "-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        cut();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is all that is wanted.
        }
    }
}
