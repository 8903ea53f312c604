package dev.gangway.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between a client and a server port that can be {@linkplain #cut() cut} the way a network goes away:
 * from then on it moves no byte either way and closes nothing, so neither end sees a FIN or a reset and each must
 * notice the silence itself (as a laptop that lost Wi-Fi, or a NAT that dropped the mapping, leaves them).
 */
public final class SilentLink implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    public SilentLink(int target) throws IOException {
        this.target = target;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "silent-link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port to connect to instead of the target. */
    public int port() {
        return listener.getLocalPort();
    }

    /** From now on every byte is held back, both ways, and nothing is closed. */
    public void cut() {
        cut = true;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                relay(client, server);
                relay(server, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    while (cut && !listener.isClosed()) {
                        Thread.sleep(50); // the bytes go nowhere: the peer hears nothing
                    }
                    if (cut) {
                        return;
                    }
                    out.write(buffer, 0, n);
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                // a connection of the link went away
            }
        }, "silent-link-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops relaying and closes every connection it made (after a test, not part of the silent scenario). */
    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
