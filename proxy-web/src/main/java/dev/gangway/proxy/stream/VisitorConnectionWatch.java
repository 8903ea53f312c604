package dev.gangway.proxy.stream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import org.xnio.XnioIoThread;

/**
 * Tells the exchanges in flight on a visitor connection that the connection closed, so that their tunnel connections
 * are closed too. One close listener per connection, pointing at whichever exchanges are current: a listener per
 * exchange would pile up on a long keep-alive connection.
 *
 * <p>An HTTP/1.1 connection carries one exchange at a time; an HTTP/2 connection carries many at once, one per
 * stream. Undertow gives each HTTP/2 stream a {@link ServerConnection} of its own, but their attachments and close
 * listeners are those of the one underlying connection, so the watch keeps every current exchange of it, not just the
 * latest: otherwise a second stream would take the place of the first, and the first's tunnel connection would
 * outlive the visitor.
 */
final class VisitorConnectionWatch {

    private static final AttachmentKey<VisitorConnectionWatch> KEY = AttachmentKey.create(VisitorConnectionWatch.class);

    /** Touched by the connection's I/O thread (watch, forget) and by whichever thread closes the connection. */
    private final Set<Runnable> current = new LinkedHashSet<>();

    private VisitorConnectionWatch() {
    }

    /**
     * Runs {@code onClose} on the I/O thread if the connection closes before {@link #forget}. All exchanges of a
     * connection, the streams of an HTTP/2 connection included, share its I/O thread.
     */
    static void watch(ServerConnection connection, XnioIoThread ioThread, Runnable onClose) {
        VisitorConnectionWatch watch = connection.getAttachment(KEY);
        if (watch == null) {
            VisitorConnectionWatch created = new VisitorConnectionWatch();
            connection.putAttachment(KEY, created);
            connection.addCloseListener(closed -> created.closed(ioThread));
            watch = created;
        }
        synchronized (watch.current) {
            watch.current.add(onClose);
        }
    }

    static void forget(ServerConnection connection, Runnable onClose) {
        VisitorConnectionWatch watch = connection.getAttachment(KEY);
        if (watch != null) {
            synchronized (watch.current) {
                watch.current.remove(onClose);
            }
        }
    }

    private void closed(XnioIoThread ioThread) {
        List<Runnable> actions;
        synchronized (current) {
            actions = new ArrayList<>(current);
            current.clear();
        }
        if (actions.isEmpty()) {
            return;
        }
        Runnable all = () -> actions.forEach(Runnable::run);
        if (Thread.currentThread() == ioThread) {
            all.run();
            return;
        }
        try {
            ioThread.execute(all);
        } catch (RejectedExecutionException e) {
            // The I/O thread is stopping with the server: nothing else runs for these exchanges any more.
            all.run();
        }
    }
}
