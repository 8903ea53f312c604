package dev.gangway.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a streamed body line by line, or Server-Sent Event by event, and stamps each with the moment its last byte
 * arrived ({@link System#nanoTime()}), so a test can tell how long a piece took from the service to the visitor.
 * Reads byte by byte on purpose: no read-ahead waits for bytes that have not been sent yet. Bounded only by the
 * stream's own read timeout (e.g. {@link RawHttpConnection}'s socket timeout).
 */
public final class TimedLineReader {

    /** A line without its line end. */
    public record Line(String text, long arrivedAtNanos) {
    }

    /** One Server-Sent Event: its fields (null when absent) and when the blank line that ends it arrived. */
    public record Event(String id, String event, String data, long arrivedAtNanos) {
    }

    private final InputStream in;

    public TimedLineReader(InputStream in) {
        this.in = in;
    }

    /** The next line ({@code \n} or {@code \r\n} ended), or null at the end of the stream. */
    public Line nextLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return line.size() == 0 ? null : new Line(line.toString(StandardCharsets.UTF_8), System.nanoTime());
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return new Line(line.toString(StandardCharsets.UTF_8), System.nanoTime());
    }

    /**
     * The next event (fields up to a blank line; comments and unknown fields skipped; multi-line data joined with
     * {@code \n}, as the EventSource spec does), or null at the end of the stream.
     */
    public Event nextEvent() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        for (Line line; (line = nextLine()) != null; ) {
            String text = line.text();
            if (text.isEmpty()) {
                if (id == null && event == null && data == null) {
                    continue;
                }
                return new Event(id, event, data == null ? null : data.toString(), line.arrivedAtNanos());
            }
            int colon = text.indexOf(':');
            if (colon == 0) {
                continue;
            }
            String name = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (name) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry and unknown fields do not matter here
                }
            }
        }
        return null;
    }
}
