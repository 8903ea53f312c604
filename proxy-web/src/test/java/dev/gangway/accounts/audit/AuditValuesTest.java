package dev.gangway.accounts.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AuditValuesTest {

    @Test
    void aTokenCannotAddFieldsOrLines() {
        assertEquals("env_event=key-removed", AuditValues.token("env event=key-removed"));
        assertEquals("a_b_c_d", AuditValues.token("a\nb\"c\td"));
        assertEquals("ünïcode", AuditValues.token("ünïcode"));
    }

    @Test
    void noValueIsADash() {
        assertEquals("-", AuditValues.token(null));
        assertEquals("-", AuditValues.token(""));
    }

    @Test
    void aQuotedValueKeepsItsSpacesButCannotCloseItsQuotesOrTheLine() {
        assertEquals("tunnel x was 'taken over'  by y", AuditValues.quoted("tunnel x was \"taken over\"\r\nby y"));
        assertEquals("", AuditValues.quoted(null));
    }
}
