package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.RawHttpConnection;
import dev.gangway.it.support.StreamingService;
import dev.gangway.it.support.TimedLineReader;

/**
 * Streaming responses through the real EAR: each piece a service writes and flushes reaches the visitor while the
 * response is still open, within a bound of when it was sent, and the response head comes before the first piece.
 * A proxy that buffers a response until it ends, or until some buffer fills, fails here.
 */
@ExtendWith(ArquillianExtension.class)
class StreamingIT {

    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int PIECES = 10;
    private static final int INTERVAL_MS = 300;
    private static final int HOLD_MS = 1_500;
    private static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final String QUERY = "?count=" + PIECES + "&interval=" + INTERVAL_MS + "&hold=" + HOLD_MS;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void serverSentEventsReachTheVisitorAsTheServiceSendsThem() throws Exception {
        try (Backend backend = Backend.start(StreamingService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("sse", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            visitor.send("GET", "/events" + QUERY, tunnel.host(), null, "Accept", "text/event-stream");
            RawHttpConnection.Head head = visitor.readHead();
            long headAt = System.nanoTime();

            assertEquals(200, head.status());
            assertTrue(String.valueOf(head.header("Content-Type")).startsWith("text/event-stream"),
                    "Content-Type: " + head.header("Content-Type"));
            TimedLineReader reader = new TimedLineReader(visitor.body(head));
            List<Long> delaysMs = new ArrayList<>();
            long lastArrival = 0;
            for (int seq = 1; seq <= PIECES; seq++) {
                TimedLineReader.Event event = reader.nextEvent();
                assertNotNull(event, "the stream ended before event " + seq + "; delays so far (ms): " + delaysMs);
                assertEquals("tick", event.event());
                assertEquals(seq, StreamingService.seq(event.data()), event.toString());
                long sentAt = StreamingService.sentAtNanos(event.data());
                if (seq == 1) {
                    assertTrue(headAt < sentAt, "the response head arrived only "
                            + TimeUnit.NANOSECONDS.toMillis(headAt - sentAt) + " ms after the first event was sent");
                }
                long delay = event.arrivedAtNanos() - sentAt;
                delaysMs.add(TimeUnit.NANOSECONDS.toMillis(delay));
                assertTrue(delay < MAX_DELAY_NANOS, "event " + seq + " took " + delaysMs.get(seq - 1)
                        + " ms from the service to the visitor; delays (ms): " + delaysMs);
                lastArrival = event.arrivedAtNanos();
            }
            TimedLineReader.Event end = reader.nextEvent();
            assertNotNull(end, "the stream ended without its end event");
            assertEquals(StreamingService.END, end.event());
            assertTrue(end.arrivedAtNanos() - lastArrival >= TimeUnit.MILLISECONDS.toNanos(HOLD_MS - 200),
                    "the last tick arrived while the stream was still open, well before its end");
            assertNull(reader.nextEvent(), "the response ends after the end event");
        }
    }

    @Test
    void aChunkedStreamReachesTheVisitorPieceByPiece() throws Exception {
        try (Backend backend = Backend.start(StreamingService::handle);
             OpenSshTunnel tunnel = OpenSshTunnel.open("chunks", backend.port());
             RawHttpConnection visitor = RawHttpConnection.open(READ_TIMEOUT_MS)) {

            visitor.send("GET", "/chunks" + QUERY, tunnel.host(), null);
            RawHttpConnection.Head head = visitor.readHead();
            long headAt = System.nanoTime();

            assertEquals(200, head.status());
            assertTrue(head.chunked(), "a response of unknown length reaches an HTTP/1.1 visitor chunked");
            TimedLineReader reader = new TimedLineReader(visitor.body(head));
            List<Long> delaysMs = new ArrayList<>();
            long lastArrival = 0;
            for (int seq = 1; seq <= PIECES; seq++) {
                TimedLineReader.Line line = reader.nextLine();
                assertNotNull(line, "the stream ended before line " + seq + "; delays so far (ms): " + delaysMs);
                assertEquals(seq, StreamingService.seq(line.text()), line.text());
                long sentAt = StreamingService.sentAtNanos(line.text());
                if (seq == 1) {
                    assertTrue(headAt < sentAt, "the response head arrived only "
                            + TimeUnit.NANOSECONDS.toMillis(headAt - sentAt) + " ms after the first piece was sent");
                }
                long delay = line.arrivedAtNanos() - sentAt;
                delaysMs.add(TimeUnit.NANOSECONDS.toMillis(delay));
                assertTrue(delay < MAX_DELAY_NANOS, "line " + seq + " took " + delaysMs.get(seq - 1)
                        + " ms from the service to the visitor; delays (ms): " + delaysMs);
                lastArrival = line.arrivedAtNanos();
            }
            TimedLineReader.Line end = reader.nextLine();
            assertNotNull(end, "the stream ended without its end line");
            assertEquals(StreamingService.END, end.text());
            assertTrue(end.arrivedAtNanos() - lastArrival >= TimeUnit.MILLISECONDS.toNanos(HOLD_MS - 200),
                    "the last line arrived while the stream was still open, well before its end");
            assertNull(reader.nextLine(), "the response ends after the end line");
            var next = visitor.get(tunnel.host(), "/chunks?count=1&interval=0");
            assertEquals(200, next.status(), "the connection stays usable after a streamed response");
        }
    }
}
