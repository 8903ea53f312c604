package dev.gangway.connector.tls;

import java.nio.ByteBuffer;

/** Buffer moves the TLS channel's reader and writer share. */
final class TlsBuffers {

    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private TlsBuffers() {
    }

    static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        if (n > 0) {
            to.put(from.slice(from.position(), n));
            from.position(from.position() + n);
        }
        return n;
    }

    /** A read-mode buffer with at least {@code capacity} room, keeping its bytes. */
    static ByteBuffer ensureCapacity(ByteBuffer readMode, int capacity) {
        if (readMode.capacity() >= capacity) {
            return readMode;
        }
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(readMode).flip();
        return bigger;
    }

    /**
     * A write-mode buffer with more room, keeping its bytes: the engine asked for more than it announced (it may,
     * when the peer's record size limit changes).
     */
    static ByteBuffer grow(ByteBuffer writeMode, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, writeMode.capacity() * 2));
        writeMode.flip();
        bigger.put(writeMode);
        return bigger;
    }

    /** Delegated tasks of the engine (post-handshake ones are rare and short): run on the calling thread. */
    static void runTasks(javax.net.ssl.SSLEngine engine) {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }
}
