package dev.gangway.connector.peer;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads the peer handshake's {@code \n}-terminated lines from a socket, asynchronously, never more than
 * {@link PeerHandshake#MAX_LINE} bytes per line, all reads bounded by one deadline (a peer trickling a byte at a
 * time gains nothing). Bytes read past a line stay for
 * the next line, or for the stream that follows the handshake ({@link #leftover()}).
 */
final class PeerLineReader {

    interface Handler {
        void completed(String line);

        void failed(Throwable e);
    }

    private final AsynchronousSocketChannel channel;
    /** Read-mode between calls: position..limit is what was read and not consumed yet. */
    private final ByteBuffer buffer = ByteBuffer.allocate(PeerHandshake.MAX_LINE + 1).flip();

    PeerLineReader(AsynchronousSocketChannel channel) {
        this.channel = channel;
    }

    /** @param deadline {@link System#nanoTime()} by which the line must be complete */
    void read(long deadline, Handler handler) {
        String line = takeLine();
        if (line != null) {
            handler.completed(line);
            return;
        }
        if (buffer.remaining() > PeerHandshake.MAX_LINE) {
            handler.failed(new PeerProtocolException("a handshake line longer than " + PeerHandshake.MAX_LINE + " bytes"));
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            handler.failed(new InterruptedByTimeoutException());
            return;
        }
        buffer.compact();
        try {
            readMore(left, deadline, handler);
        } catch (RuntimeException e) {
            handler.failed(e); // the port is stopping
        }
    }

    private void readMore(long left, long deadline, Handler handler) {
        channel.read(buffer, left, TimeUnit.NANOSECONDS, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void ignored) {
                buffer.flip();
                if (n < 0) {
                    handler.failed(new EOFException("the peer closed the connection during the handshake"));
                } else {
                    read(deadline, handler);
                }
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                handler.failed(e);
            }
        });
    }

    /** What was read after the last line: the first bytes of the stream that follows the handshake. */
    ByteBuffer leftover() {
        ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
        rest.put(buffer).flip();
        return rest;
    }

    private String takeLine() {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            if (buffer.get(i) == '\n') {
                byte[] line = new byte[i - buffer.position()];
                buffer.get(line);
                buffer.get(); // the newline
                return new String(line, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
