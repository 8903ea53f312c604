package dev.gangway.it.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that speaks Docker's connection hijack ({@code POST /containers/<id>/attach}, {@code /exec/<id>/start}):
 * a raw-socket server on a free loopback port that reads an HTTP/1.1 request with {@code Upgrade: tcp} and a
 * Content-Length body, answers {@code HTTP/1.1 101 UPGRADED} ({@code Content-Type:
 * application/vnd.docker.raw-stream}, {@code Connection: Upgrade}, {@code Upgrade: tcp}) and then speaks raw bytes.
 * Docker relies on half-close here: the client shuts its output when stdin ends and still reads the output, and the
 * daemon may end the output while still reading stdin. Two modes show each direction:
 *
 * <ul>
 * <li>default, echo: every byte comes back; when the client half-closes, the service writes {@link #MARKER} and
 * closes. A client that receives the marker proves that its half-close reached the service and that its own input
 * stayed open after it.</li>
 * <li>target with {@code close-first} in its query: the service writes {@link #GREETING}, half-closes at once, then
 * reads until the client half-closes and keeps what it read ({@link Session#received()}). A client that reads end of
 * stream after the greeting and whose later bytes still arrive proves the other direction.</li>
 * </ul>
 *
 * A request without {@code Upgrade: tcp} gets {@code 400} and a text body. Every request is recorded
 * ({@link #awaitSession}). One thread per connection, all ended by {@link #close()}.
 */
public final class DockerLikeUpgradeBackend implements AutoCloseable {

    /** What the echo mode writes after the client's half-close, before it closes. */
    public static final String MARKER = "[service saw end of input]\n";

    /** What the close-first mode writes before it half-closes. */
    public static final String GREETING = "[service output ends here]\n";

    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 1024 * 1024;
    private static final int MAX_KEPT = 16 * 1024 * 1024;

    /** One upgrade request and what followed it. */
    public static final class Session {
        private final String requestLine;
        private final List<String[]> headers;
        private final String body;
        private final CompletableFuture<byte[]> received = new CompletableFuture<>();

        Session(String requestLine, List<String[]> headers, String body) {
            this.requestLine = requestLine;
            this.headers = List.copyOf(headers);
            this.body = body;
        }

        /** e.g. {@code POST /v1.43/exec/abc/start HTTP/1.1}. */
        public String requestLine() {
            return requestLine;
        }

        /** The first value of a header, case-insensitively; null when absent. */
        public String header(String name) {
            return headerValue(headers, name);
        }

        /** The request body (the JSON Docker sends), as text. */
        public String body() {
            return body;
        }

        /**
         * Every raw byte the service read after its {@code 101} (up to 16 MB), complete once the client half-closed;
         * fails if the connection broke instead.
         */
        public CompletableFuture<byte[]> received() {
            return received;
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();

    private DockerLikeUpgradeBackend(ServerSocket server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    public static DockerLikeUpgradeBackend start() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "it-docker-like-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        DockerLikeUpgradeBackend backend = new DockerLikeUpgradeBackend(server, threads);
        threads.execute(backend::accept);
        return backend;
    }

    /** The port to forward the tunnel to. */
    public int port() {
        return server.getLocalPort();
    }

    /** The next request the service read, or null if none came within the timeout. */
    public Session awaitSession(long timeout, TimeUnit unit) throws InterruptedException {
        return sessions.poll(timeout, unit);
    }

    // ---- the client side of the same exchange, for tests (through Gangway or straight to this service)

    /** The JSON body Docker sends to {@code /exec/<id>/start}. */
    public static final String EXEC_START_BODY = "{\"Detach\":false,\"Tty\":false}";

    /**
     * Sends Docker's hijack request, {@code POST <target>} with {@link #EXEC_START_BODY} and {@code Connection:
     * Upgrade}, {@code Upgrade: tcp}, and reads the response head; after a {@code 101} the connection is raw bytes.
     */
    public static RawHttpConnection.Head requestUpgrade(RawHttpConnection connection, String host, String target)
            throws IOException {
        byte[] body = EXEC_START_BODY.getBytes(StandardCharsets.UTF_8);
        connection.send("POST", target, host, body, "Content-Type", "application/json",
                "Content-Length", Integer.toString(body.length), "Connection", "Upgrade", "Upgrade", "tcp");
        return connection.readHead();
    }

    /**
     * Writes {@code data} on an upgraded connection from another thread while reading as many bytes back, so that
     * neither side's buffers fill up; returns what came back. Each read is bounded by the connection's timeout.
     */
    public static byte[] roundTrip(RawHttpConnection connection, byte[] data) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                connection.output().write(data);
                connection.output().flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] back = connection.rawInput().readNBytes(data.length);
        writer.get(30, TimeUnit.SECONDS);
        return back;
    }

    /** Reads an upgraded connection to its end; each read is bounded by the connection's timeout. */
    public static String readToEnd(RawHttpConnection connection) throws IOException {
        return new String(connection.rawInput().readAllBytes(), StandardCharsets.UTF_8);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                // The server socket was closed: close() is under way.
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Session session = null;
        try (socket) {
            socket.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String requestLine = readLine(in);
            List<String[]> headers = new ArrayList<>();
            int headSize = requestLine.length();
            for (String line; !(line = readLine(in)).isEmpty(); ) {
                headSize += line.length();
                if (headSize > MAX_HEAD) {
                    throw new IOException("request head over " + MAX_HEAD + " bytes");
                }
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            String length = headerValue(headers, "Content-Length");
            byte[] body = in.readNBytes(length == null ? 0 : Math.min(MAX_BODY, Integer.parseInt(length.trim())));
            session = new Session(requestLine, headers, new String(body, StandardCharsets.UTF_8));
            sessions.add(session);
            String upgrade = headerValue(headers, "Upgrade");
            if (upgrade == null || !upgrade.equalsIgnoreCase("tcp")) {
                byte[] error = "this service only speaks Upgrade: tcp\n".getBytes(StandardCharsets.UTF_8);
                write(out, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " + error.length
                        + "\r\nConnection: close\r\n\r\n");
                out.write(error);
                out.flush();
                session.received.complete(new byte[0]);
                return;
            }
            write(out, "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            if (requestLine.contains("close-first")) {
                write(out, GREETING);
                socket.shutdownOutput();
                session.received.complete(pump(in, null));
            } else {
                session.received.complete(pump(in, out));
                write(out, MARKER);
            }
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.received.completeExceptionally(e);
            }
        } finally {
            sockets.remove(socket);
        }
    }

    /** Reads until end of input, echoing to {@code echo} unless null; keeps up to 16 MB of what it read. */
    private static byte[] pump(InputStream in, OutputStream echo) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            if (echo != null) {
                echo.write(buffer, 0, n);
                echo.flush();
            }
            if (kept.size() + n <= MAX_KEPT) {
                kept.write(buffer, 0, n);
            }
        }
        return kept.toByteArray();
    }

    private static String headerValue(List<String[]> headers, String name) {
        return headers.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst().orElse(null);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("connection closed inside the request head after: " + line);
            }
            if (line.length() > MAX_HEAD) {
                throw new IOException("request head line over " + MAX_HEAD + " bytes");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket socket : List.copyOf(sockets)) {
            socket.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
