package dev.gangway.connector.ssh;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.tunnel.TunnelStream;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Blocking wrappers over the asynchronous {@link TunnelStream}, for tests. */
final class StreamIo {

    private StreamIo() {
    }

    static int read(TunnelStream stream, ByteBuffer dst) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        stream.read(dst, callback(done));
        return done.get(30, TimeUnit.SECONDS);
    }

    static void writeAll(TunnelStream stream, ByteBuffer src) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stream.write(src, callback(done));
        done.get(30, TimeUnit.SECONDS);
    }

    static <T> IoCallback<T> callback(CompletableFuture<T> future) {
        return new IoCallback<>() {
            @Override
            public void completed(T result) {
                future.complete(result);
            }

            @Override
            public void failed(Throwable cause) {
                future.completeExceptionally(cause);
            }
        };
    }
}
