package dev.gangway.connector.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one accept outstanding on a listener of the adapter's own ports (the TLS front door, the peer port) until the
 * listener closes. Each connection gets TCP_NODELAY (every byte these ports carry is someone's request or response,
 * small writes must not wait for Nagle) and is handed over on the listener group's I/O thread, which the handler must
 * not block. The next accept is issued before the handler runs, so a slow handler never delays the next connection.
 *
 * <p>A failed accept (typically a full file table) is logged through {@code onFailure} and retried after
 * {@link #RETRY_MILLIS}, on the JDK's shared delay scheduler: accepting again at once would spin a core for as long
 * as the cause lasts, and a rare retry needs no thread of its own.
 */
public final class AcceptLoop {

    static final long RETRY_MILLIS = 100;

    private final AsynchronousServerSocketChannel listener;
    private final Consumer<AsynchronousSocketChannel> onAccepted;
    private final Consumer<Throwable> onFailure;
    private final CompletionHandler<AsynchronousSocketChannel, Void> handler = new CompletionHandler<>() {
        @Override
        public void completed(AsynchronousSocketChannel connection, Void ignored) {
            acceptAfter(0);
            try {
                connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                Channels.closeQuietly(connection); // gone before it was set
                return;
            }
            onAccepted.accept(connection);
        }

        @Override
        public void failed(Throwable e, Void ignored) {
            if (listener.isOpen()) {
                onFailure.accept(e);
                acceptAfter(RETRY_MILLIS);
            }
        }
    };

    private AcceptLoop(AsynchronousServerSocketChannel listener, Consumer<AsynchronousSocketChannel> onAccepted,
                       Consumer<Throwable> onFailure) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onAccepted = Objects.requireNonNull(onAccepted, "onAccepted");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /** Starts accepting on the bound {@code listener}; closing the listener ends the loop. */
    public static void start(AsynchronousServerSocketChannel listener, Consumer<AsynchronousSocketChannel> onAccepted,
                             Consumer<Throwable> onFailure) {
        new AcceptLoop(listener, onAccepted, onFailure).acceptAfter(0);
    }

    private void acceptAfter(long delayMillis) {
        if (!listener.isOpen()) {
            return;
        }
        try {
            if (delayMillis == 0) {
                listener.accept(null, handler);
            } else {
                CompletableFuture.runAsync(() -> acceptAfter(0),
                        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
            }
        } catch (RuntimeException e) {
            // The listener was closed meanwhile: nothing more to accept.
        }
    }
}
