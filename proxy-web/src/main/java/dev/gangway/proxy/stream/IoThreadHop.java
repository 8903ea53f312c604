package dev.gangway.proxy.stream;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import dev.gangway.connector.api.IoCallback;
import org.xnio.XnioIoThread;

/**
 * Moves tunnel callbacks, which arrive on SSH threads, onto the I/O thread that owns a visitor stream, so that its
 * XNIO channels and its fields are only ever touched by that one thread.
 */
final class IoThreadHop {

    private final XnioIoThread ioThread;
    private final Consumer<Runnable> guard;
    private final Runnable ioThreadGone;

    /**
     * @param guard        runs a task, turning an unexpected exception into the end of the stream
     * @param ioThreadGone what to do when the I/O thread no longer takes tasks (the server is stopping and the
     *                     visitor's connection goes with it): release what only the owner would have released
     */
    IoThreadHop(XnioIoThread ioThread, Consumer<Runnable> guard, Runnable ioThreadGone) {
        this.ioThread = ioThread;
        this.guard = guard;
        this.ioThreadGone = ioThreadGone;
    }

    void run(Runnable task) {
        try {
            ioThread.execute(() -> guard.accept(task));
        } catch (RejectedExecutionException e) {
            ioThreadGone.run();
        }
    }

    <T> IoCallback<T> callback(Consumer<T> onCompleted, Consumer<Throwable> onFailed) {
        return new IoCallback<>() {
            @Override
            public void completed(T result) {
                run(() -> onCompleted.accept(result));
            }

            @Override
            public void failed(Throwable cause) {
                run(() -> onFailed.accept(cause));
            }
        };
    }
}
