package dev.gangway.connector.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;

/**
 * One direction of an HTTPS splice. Backpressure by construction: one operation outstanding at a time, the next read
 * only once the write of what was read has completed, so a slow reader on one side slows the writer on the other
 * with no more than one buffer held. An end of stream is passed on as a half-close ({@code shutdownOutput}); an error
 * closes both sides. The buffer goes back to the pool only when this direction has no operation left outstanding.
 */
final class SplicePump {

    private final AsynchronousSocketChannel from;
    private final AsynchronousSocketChannel to;
    private final ByteBuffer buffer;
    private final HttpsPassThrough connection;

    private final CompletionHandler<Integer, Void> afterRead = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, Void ignored) {
            if (n < 0) {
                endOfStream();
            } else {
                buffer.flip();
                write();
            }
        }

        @Override
        public void failed(Throwable e, Void ignored) {
            stop();
        }
    };

    private final CompletionHandler<Integer, Void> afterWrite = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, Void ignored) {
            if (buffer.hasRemaining()) {
                write();
            } else {
                read();
            }
        }

        @Override
        public void failed(Throwable e, Void ignored) {
            stop();
        }
    };

    /** @param buffer a pooled buffer, given back when this direction stops */
    SplicePump(AsynchronousSocketChannel from, AsynchronousSocketChannel to, ByteBuffer buffer,
               HttpsPassThrough connection) {
        this.from = from;
        this.to = to;
        this.buffer = buffer;
        this.connection = connection;
    }

    void start() {
        read();
    }

    private void read() {
        buffer.clear();
        try {
            from.read(buffer, null, afterRead);
        } catch (RuntimeException e) {
            stop();
        }
    }

    private void write() {
        try {
            to.write(buffer, null, afterWrite);
        } catch (RuntimeException e) {
            stop();
        }
    }

    private void endOfStream() {
        connection.release(buffer);
        try {
            to.shutdownOutput();
        } catch (IOException e) {
            connection.closeBoth();
            return;
        }
        connection.directionEnded(from != connection.visitor());
    }

    private void stop() {
        connection.closeBoth();
        connection.release(buffer);
    }
}
