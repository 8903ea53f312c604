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
 * A Java TLS client in front of OpenSSH: {@code ssh} connects to a local plain port, and every connection there goes on
 * as TLS to the server's TLS port with the SNI and ALPN this bridge offers, as Preevy's CLI connects ({@code ALPN ssh},
 * any server name). The bytes inside are the SSH session, untouched.
 */
public final class TlsBridge implements AutoCloseable {

    private final ServerSocket local;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public TlsBridge(String serverName, String... alpn) throws IOException {
        local = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!local.isClosed()) {
                try {
                    Socket plain = local.accept();
                    sockets.add(plain);
                    Socket tls = TlsClients.connect(serverName, alpn);
                    tls.setSoTimeout(0); // an SSH session may be quiet for long
                    sockets.add(tls);
                    pump(plain, tls);
                    pump(tls, plain);
                } catch (IOException e) {
                    return;
                }
            }
        }, "it-tls-bridge");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** ssh options that send the session through this bridge (the first {@code Port} given wins over {@code -p}). */
    public List<String> sshOptions() {
        return List.of("-o", "HostName=127.0.0.1", "-o", "Port=" + local.getLocalPort());
    }

    private static void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed: the other pump ends too once its socket is closed below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "it-tls-bridge-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        local.close();
        sockets.forEach(TlsBridge::closeQuietly);
    }
}
