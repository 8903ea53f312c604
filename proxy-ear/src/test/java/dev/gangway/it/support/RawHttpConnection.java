package dev.gangway.it.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One visitor TCP connection to the IT server's HTTP port, spoken by hand: the test writes the exact request bytes
 * (chunked bodies, hop-by-hop headers, several requests on one connection) and sees the exact response head, which
 * {@code java.net.http} would hide or rewrite. Every read is bounded by the socket timeout.
 */
public final class RawHttpConnection implements AutoCloseable {

    /** A response head as received: status and header fields in order. */
    public record Head(int status, List<String[]> fields) {

        /** The first value of a header, case-insensitively; null when absent. */
        public String header(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }

        public boolean has(String name) {
            return header(name) != null;
        }

        public boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        /** The declared Content-Length, or -1. */
        public long contentLength() {
            String cl = header("Content-Length");
            return cl == null ? -1 : Long.parseLong(cl.trim());
        }
    }

    /** A whole (small) response. */
    public record Response(Head head, byte[] body) {

        public int status() {
            return head.status();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to the IT server's HTTP port; reads time out after {@code readTimeoutMillis}. */
    public static RawHttpConnection open(int readTimeoutMillis) throws IOException {
        return open(ItServer.httpPort(), readTimeoutMillis);
    }

    /** Connects to another loopback port, e.g. straight to a {@link Backend} to see what it sends. */
    public static RawHttpConnection open(int port, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(ItServer.HOST, port), 10_000);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true);
            return new RawHttpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Writes a request head ({@code method target HTTP/1.1}, {@code Host} and the given fields) and, if not null,
     * a body after it, as given (the caller frames it: Content-Length or chunked).
     *
     * @param fields alternating names and values
     */
    public void send(String method, String target, String host, byte[] body, String... fields) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append("\r\n");
        for (int i = 0; i < fields.length; i += 2) {
            head.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    /** {@code GET target} with the given extra fields, then its whole response. */
    public Response get(String host, String target, String... fields) throws IOException {
        send("GET", target, host, null, fields);
        return readResponse();
    }

    /** Writes raw bytes, e.g. the next chunk of a chunked body. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one whole response, framed by Content-Length or chunked encoding (never by close). */
    public Response readResponse() throws IOException {
        Head head = readHead();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (InputStream bodyStream = body(head)) {
            bodyStream.transferTo(body);
        }
        return new Response(head, body.toByteArray());
    }

    /** Reads a response head; skips {@code 100 Continue} interim responses. */
    public Head readHead() throws IOException {
        while (true) {
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.1 ") && !statusLine.startsWith("HTTP/1.0 ")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            List<String[]> fields = new ArrayList<>();
            for (String line; !(line = readLine()).isEmpty(); ) {
                int colon = line.indexOf(':');
                fields.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            if (status != 100) {
                return new Head(status, fields);
            }
        }
    }

    /**
     * The body of the response with this head, as a stream that ends where the body ends (Content-Length or last
     * chunk) and leaves the connection positioned at the next response. A response with neither framing has no
     * body here; the only such responses the proxy may send on a kept-alive connection are bodiless ones.
     */
    public InputStream body(Head head) {
        if (head.chunked()) {
            return new ChunkedInputStream();
        }
        long length = Math.max(0, head.contentLength());
        return new FixedInputStream(length);
    }

    /** The connection's raw output, e.g. to stream a large request body after {@link #send}. */
    public OutputStream output() {
        return out;
    }

    /**
     * Half-closes: sends FIN and keeps reading, as a Docker client does when its stdin ends inside an
     * {@code Upgrade: tcp} stream.
     */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The connection's raw input, e.g. to read to end of stream after a broken response. */
    public InputStream rawInput() {
        return in;
    }

    /** Whether the server has closed the connection: a read sees end of stream (or a reset) within the timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Chunked framing of a request body: one chunk. */
    public static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(data, 0, chunk, size.length, data.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    /** The last chunk of a chunked body, without trailers. */
    public static byte[] lastChunk() {
        return "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    private final class FixedInputStream extends InputStream {
        private long left;

        FixedInputStream(long length) {
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed with " + left + " body bytes missing");
            }
            left -= n;
            return n;
        }
    }

    private final class ChunkedInputStream extends InputStream {
        private long chunkLeft;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String sizeLine = readLine();
                int semicolon = sizeLine.indexOf(';');
                chunkLeft = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (chunkLeft == 0) {
                    // Trailer section: lines up to an empty one.
                    while (!readLine().isEmpty()) {
                        // trailers are not checked here
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine().isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
            return n;
        }
    }
}
