package dev.gangway.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.TunnelException.Reason;
import org.junit.jupiter.api.Test;

class VisitorErrorTest {

    private static VisitorError of(Reason reason) {
        return VisitorError.of(new TunnelException(reason, "internal detail"));
    }

    @Test
    void mapsEveryTunnelFailureToItsStatus() {
        assertEquals(new VisitorError(502, "No active tunnel found"), of(Reason.NO_TUNNEL));
        assertEquals(502, of(Reason.REFUSED_BY_CLIENT).status());
        assertTrue(of(Reason.REFUSED_BY_CLIENT).message().contains("refused"));
        assertEquals(504, of(Reason.TIMEOUT).status());
        assertEquals(503, of(Reason.OVERLOADED).status());
        assertEquals(502, of(Reason.UNAVAILABLE).status());
        for (Reason reason : Reason.values()) {
            assertTrue(!of(reason).message().contains("internal detail"), "leaks the exception message");
        }
    }

    @Test
    void rendersJsonOrText() {
        VisitorError error = new VisitorError(502, "say \"hi\"\\\n");
        assertEquals("{\"message\":\"say \\\"hi\\\"\\\\\\u000a\"}", error.body(true));
        assertEquals("say \"hi\"\\\n", error.body(false));
    }
}
