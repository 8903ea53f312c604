package dev.gangway.proxy.stream;

import java.util.concurrent.RejectedExecutionException;

import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import org.xnio.XnioIoThread;

/**
 * Tells the exchange in flight on a visitor connection that the connection closed, so that its tunnel connection
 * is closed too. One close listener per connection, pointing at whichever exchange is current: a listener per
 * exchange would pile up on a long keep-alive connection.
 */
final class VisitorConnectionWatch {

    private static final AttachmentKey<VisitorConnectionWatch> KEY = AttachmentKey.create(VisitorConnectionWatch.class);

    private volatile Runnable current;

    private VisitorConnectionWatch() {
    }

    /** Runs {@code onClose} on the I/O thread if the connection closes before {@link #forget}. */
    static void watch(ServerConnection connection, XnioIoThread ioThread, Runnable onClose) {
        VisitorConnectionWatch watch = connection.getAttachment(KEY);
        if (watch == null) {
            VisitorConnectionWatch created = new VisitorConnectionWatch();
            connection.putAttachment(KEY, created);
            connection.addCloseListener(closed -> {
                Runnable action = created.current;
                created.current = null;
                if (action == null) {
                    return;
                }
                if (Thread.currentThread() == ioThread) {
                    action.run();
                    return;
                }
                try {
                    ioThread.execute(action);
                } catch (RejectedExecutionException e) {
                    // The I/O thread is stopping with the server: nothing else runs for this exchange any more.
                    action.run();
                }
            });
            watch = created;
        }
        watch.current = onClose;
    }

    static void forget(ServerConnection connection, Runnable onClose) {
        VisitorConnectionWatch watch = connection.getAttachment(KEY);
        if (watch != null && watch.current == onClose) {
            watch.current = null;
        }
    }
}
