package dev.gangway.connector.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** Real TCP services on loopback port 0 that the tunnel clients forward to. */
final class Backends {

    private Backends() {
    }

    /** Echoes every byte back; half-closes its output when the input ends. */
    static Backend echo() throws IOException {
        return new Backend(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.transferTo(out);
            out.flush();
            socket.shutdownOutput();
        });
    }

    /** Writes {@code total} bytes (byte i = i mod 251) as fast as the connection takes them, then closes. */
    static Backend source(long total, AtomicLong written) throws IOException {
        return new Backend(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[8192];
            long sent = 0;
            while (sent < total) {
                int n = (int) Math.min(chunk.length, total - sent);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) ((sent + i) % 251);
                }
                out.write(chunk, 0, n);
                sent += n;
                written.set(sent);
            }
            out.flush();
            socket.shutdownOutput();
        });
    }

    /**
     * Reads nothing until {@code release} completes, then everything, counting the bytes and their checksum
     * (byte i must be i mod 251), as a service that is slow to take an upload.
     */
    static Backend lateSink(java.util.concurrent.CompletableFuture<Void> release, AtomicLong received,
                            java.util.concurrent.atomic.AtomicBoolean intact) throws IOException {
        return new Backend(socket -> {
            try {
                release.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("never released", e);
            }
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[8192];
            long count = 0;
            for (int n; (n = in.read(chunk)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != (byte) ((count + i) % 251)) {
                        intact.set(false);
                    }
                }
                count += n;
                received.set(count);
            }
        });
    }

    interface Service {
        void serve(Socket socket) throws IOException;
    }

    static final class Backend implements AutoCloseable {
        private final ServerSocket listener;
        private final Thread acceptor;

        Backend(Service service) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = listener.accept();
                        Thread worker = new Thread(() -> {
                            try (socket) {
                                service.serve(socket);
                            } catch (IOException e) {
                                // the test side closed the connection
                            }
                        }, "test-backend-conn");
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "test-backend-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            // The kernel keeps the listening socket (and accepts into its backlog) until the thread blocked in
            // accept() has left the call: only then does "closed" mean "refuses connections".
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
