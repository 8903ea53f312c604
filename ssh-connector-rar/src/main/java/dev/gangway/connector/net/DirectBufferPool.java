package dev.gangway.connector.net;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers for the HTTPS splice, all of one size, a bounded number of them kept for reuse.
 *
 * <p>Why a pool: socket I/O from a heap buffer goes through a temporary direct copy, and a direct buffer is costly to
 * allocate (zeroed, reserved, freed only after a GC), too costly to make two per visitor connection.
 * Per connection the splice holds exactly two, so its memory is bounded. Why bounded:
 * what the pool keeps is at most {@code retained x size} bytes however many connections came and went; a burst above
 * that allocates fresh buffers, which the garbage collector frees when they are dropped on release.
 */
public final class DirectBufferPool {

    private final int bufferSize;
    private final ArrayBlockingQueue<ByteBuffer> free;

    public DirectBufferPool(int bufferSize, int retained) {
        this.bufferSize = bufferSize;
        this.free = new ArrayBlockingQueue<>(retained);
    }

    public ByteBuffer acquire() {
        ByteBuffer buffer = free.poll();
        return buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(bufferSize);
    }

    /** Only once no I/O operation can still write into it. */
    public void release(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.capacity() == bufferSize) {
            free.offer(buffer.clear());
        }
    }

    /** Buffers waiting for reuse now. */
    public int pooled() {
        return free.size();
    }

    public int bufferSize() {
        return bufferSize;
    }
}
