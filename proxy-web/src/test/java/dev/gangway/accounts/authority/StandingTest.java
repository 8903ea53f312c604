package dev.gangway.accounts.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.gangway.accounts.identity.SignedInPerson;
import org.junit.jupiter.api.Test;

class StandingTest {

    @Test
    void aConfirmedMemberOfTheAllowedGroupStands() {
        Standing standing = Standing.judge(confirmed(List.of("others", "users")), "users");
        assertEquals(Standing.Verdict.ALLOWED, standing.verdict());
        assertFalse(standing.lost());
    }

    @Test
    void aConfirmedPersonWithoutTheAllowedGroupLosesTheirStanding() {
        Standing standing = Standing.judge(confirmed(List.of("others")), "users");
        assertTrue(standing.lost());
        assertEquals("no longer in group users at the identity provider", standing.reason());
        assertTrue(Standing.judge(confirmed(List.of()), "users").lost(), "no groups claim at all");
    }

    @Test
    void aRefusedRefreshLosesTheStandingWithTheProvidersReason() {
        Standing standing = Standing.judge(new RefreshResult.Refused("invalid_grant: Session not active"), "users");
        assertTrue(standing.lost());
        assertTrue(standing.reason().contains("invalid_grant: Session not active"), standing.reason());
    }

    @Test
    void anUnansweredRefreshChangesNothing() {
        Standing standing = Standing.judge(new RefreshResult.Unavailable("connect timed out"), "users");
        assertEquals(Standing.Verdict.UNANSWERED, standing.verdict());
        assertFalse(standing.lost());
        assertEquals("connect timed out", standing.reason());
    }

    @Test
    void theConfirmedResultNeverShowsTheRefreshTokenInLogs() {
        RefreshResult.Confirmed confirmed = new RefreshResult.Confirmed(person(List.of("users")), "secret-token-value");
        assertFalse(confirmed.toString().contains("secret-token-value"), confirmed.toString());
    }

    private static RefreshResult confirmed(List<String> groups) {
        return new RefreshResult.Confirmed(person(groups), "rotated");
    }

    private static SignedInPerson person(List<String> groups) {
        return new SignedInPerson("sub-1", "alice", "alice@example.com", groups, false);
    }
}
