package dev.gangway.proxy.stream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend that runs a script per accepted connection, to misbehave in ways a real server will not. */
final class RawBackend implements AutoCloseable {

    interface Script {
        void run(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();

    RawBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            script.run(socket);
                        } catch (IOException ignored) {
                            // the script's peer went away: that is what some tests do
                        }
                    }, "raw-backend-connection");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-backend-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Reads one request head (up to the empty line) from the socket. */
    static String readHead(Socket socket) throws IOException {
        StringBuilder head = new StringBuilder();
        var in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in request head");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
