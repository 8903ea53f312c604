package dev.gangway.connector.logging;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MINA's SLF4J calls reach JBoss Logging (here backed by java.util.logging), one logger object per name. */
class Slf4jOverJBossLoggingTest {

    @Test
    void sameLoggerObjectForTheSameNameAndPatternsFormatted() {
        Logger first = LoggerFactory.getLogger("gangway.test.slf4j");
        assertTrue(first instanceof JBossLoggingLogger, "the RAR's binding is the one SLF4J found: " + first.getClass());
        assertSame(first, LoggerFactory.getLogger("gangway.test.slf4j"));

        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("gangway.test.slf4j");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        jul.setLevel(Level.INFO);
        try {
            IllegalStateException failure = new IllegalStateException("boom");
            first.warn("session {} closed after {} ms", "abc", 42, failure);
            first.debug("not logged at INFO {}", 1);
            assertFalse(first.isDebugEnabled());
            assertEquals(1, records.size());
            assertEquals("session abc closed after 42 ms", records.get(0).getMessage());
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertSame(failure, records.get(0).getThrown());
        } finally {
            jul.removeHandler(capture);
        }
    }
}
