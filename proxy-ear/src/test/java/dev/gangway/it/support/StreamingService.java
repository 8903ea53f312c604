package dev.gangway.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;

/**
 * A backend handler ({@link Backend#start(com.sun.net.httpserver.HttpHandler)}) whose responses are slow streams,
 * written piece by piece with a flush after each, each piece stamped with the moment it was sent:
 *
 * <ul>
 * <li>{@code GET /events?count=N&interval=MS&hold=MS}: {@code text/event-stream}, the head at once, then N events
 * {@code interval} apart (the first one {@code interval} after the head), then, {@code hold} later, a last event
 * named {@code end}, and the response ends. Each tick is {@code id: <seq>}, {@code event: tick},
 * {@code data: <seq> <sentAtNanos>}.</li>
 * <li>{@code GET /chunks?count=N&interval=MS&hold=MS}: the same timing as a {@code text/plain} chunked stream of lines
 * {@code <seq> <sentAtNanos>}, then {@code end}.</li>
 * </ul>
 *
 * The stamps are {@link System#nanoTime()} of this JVM, which is the test's own: the backend runs inside the test, so
 * a test compares a piece's arrival with its sending on one clock. A stream stops early when the visitor goes away
 * (the next write fails) or the backend closes (its thread is interrupted).
 */
public final class StreamingService {

    /** The event name of the last event of {@code /events}. */
    public static final String END = "end";

    private StreamingService() {
    }

    public static void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        int count = EchoService.intParam(query, "count", 10);
        long interval = EchoService.intParam(query, "interval", 300);
        long hold = EchoService.intParam(query, "hold", 0);
        boolean events = path.equals("/events");
        if (!events && !path.equals("/chunks")) {
            byte[] body = ("no stream at " + path + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type",
                events ? "text/event-stream; charset=utf-8" : "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        // Length 0: chunked. Each flush() below ends a chunk and pushes it to the socket.
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.flush();
        try {
            for (int seq = 1; seq <= count; seq++) {
                Thread.sleep(interval);
                String stamp = seq + " " + System.nanoTime();
                write(out, events ? "id: " + seq + "\nevent: tick\ndata: " + stamp + "\n\n" : stamp + "\n");
            }
            Thread.sleep(hold);
            write(out, events ? "event: " + END + "\ndata: " + count + "\n\n" : END + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }

    /** The send time stamped in a tick's data or a chunk's line ({@code <seq> <sentAtNanos>}). */
    public static long sentAtNanos(String stamp) {
        return Long.parseLong(stamp.substring(stamp.indexOf(' ') + 1).trim());
    }

    /** The sequence number in a tick's data or a chunk's line. */
    public static int seq(String stamp) {
        return Integer.parseInt(stamp.substring(0, stamp.indexOf(' ')));
    }

    private static void write(OutputStream out, String piece) throws IOException {
        out.write(piece.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
