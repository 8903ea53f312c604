package dev.gangway.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The streaming backend read by the IT's own reader, with no Gangway in between: each piece arrives within a few
 * milliseconds of being sent, so the IT's bound measures the proxy, not the tools.
 */
class StreamingServiceTest {

    private static final long DIRECT_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    @Test
    void eventsArriveAsTheyAreSentAndTheHeadComesFirst() throws Exception {
        try (Backend backend = Backend.start(StreamingService::handle);
             RawHttpConnection visitor = RawHttpConnection.open(backend.port(), 5_000)) {

            visitor.send("GET", "/events?count=5&interval=100&hold=300", "localhost", null,
                    "Accept", "text/event-stream");
            RawHttpConnection.Head head = visitor.readHead();
            long headAt = System.nanoTime();

            assertEquals(200, head.status());
            assertTrue(head.header("Content-Type").startsWith("text/event-stream"), head.header("Content-Type"));
            assertTrue(head.chunked());
            TimedLineReader reader = new TimedLineReader(visitor.body(head));
            long lastArrival = 0;
            for (int seq = 1; seq <= 5; seq++) {
                TimedLineReader.Event event = reader.nextEvent();
                assertEquals("tick", event.event());
                assertEquals(Integer.toString(seq), event.id());
                assertEquals(seq, StreamingService.seq(event.data()));
                long sentAt = StreamingService.sentAtNanos(event.data());
                assertTrue(headAt < sentAt, "the head arrived before the first event was sent");
                long delay = event.arrivedAtNanos() - sentAt;
                assertTrue(delay >= 0 && delay < DIRECT_BOUND_NANOS, "event " + seq + " took " + delay + " ns");
                lastArrival = event.arrivedAtNanos();
            }
            TimedLineReader.Event end = reader.nextEvent();
            assertEquals(StreamingService.END, end.event());
            assertTrue(end.arrivedAtNanos() - lastArrival >= TimeUnit.MILLISECONDS.toNanos(250),
                    "the stream stayed open for the hold time");
            assertNull(reader.nextEvent(), "the response ends after the end event");
        }
    }

    @Test
    void chunkedLinesArriveAsTheyAreSent() throws Exception {
        try (Backend backend = Backend.start(StreamingService::handle);
             RawHttpConnection visitor = RawHttpConnection.open(backend.port(), 5_000)) {

            visitor.send("GET", "/chunks?count=4&interval=100", "localhost", null);
            RawHttpConnection.Head head = visitor.readHead();

            assertEquals(200, head.status());
            assertTrue(head.chunked());
            try (InputStream body = visitor.body(head)) {
                TimedLineReader reader = new TimedLineReader(body);
                for (int seq = 1; seq <= 4; seq++) {
                    TimedLineReader.Line line = reader.nextLine();
                    assertEquals(seq, StreamingService.seq(line.text()));
                    long delay = line.arrivedAtNanos() - StreamingService.sentAtNanos(line.text());
                    assertTrue(delay >= 0 && delay < DIRECT_BOUND_NANOS, "line " + seq + " took " + delay + " ns");
                }
                assertEquals(StreamingService.END, reader.nextLine().text());
                assertNull(reader.nextLine());
            }
        }
    }
}
