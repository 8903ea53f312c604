package dev.gangway.accounts.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AccountClaimsTest {

    @Test
    void claimsWithinTheColumnSizesAreKept() {
        AccountClaims claims = new AccountClaims("s".repeat(255), "Alice", "a".repeat(64) + "@" + "d".repeat(255),
                Set.of("g".repeat(255)), true);

        assertEquals(Set.of("g".repeat(255)), claims.groups());
    }

    @Test
    void missingGroupsAreAnEmptySet() {
        assertEquals(Set.of(), new AccountClaims("sub", null, null, null, false).groups());
    }

    @Test
    void oversizedOrMissingValuesAreRefusedNotCut() {
        assertInvalid(() -> new AccountClaims(null, null, null, Set.of(), false));
        assertInvalid(() -> new AccountClaims("", null, null, Set.of(), false));
        assertInvalid(() -> new AccountClaims("s".repeat(256), null, null, Set.of(), false));
        assertInvalid(() -> new AccountClaims("sub", "n".repeat(256), null, Set.of(), false));
        assertInvalid(() -> new AccountClaims("sub", null, "e".repeat(321), Set.of(), false));
        assertInvalid(() -> new AccountClaims("sub", null, null, Set.of("g".repeat(256)), false));
        assertInvalid(() -> new AccountClaims("sub", null, null, Set.of(""), false));
        Set<String> withNull = new HashSet<>();
        withNull.add(null);
        assertInvalid(() -> new AccountClaims("sub", null, null, withNull, false));
        Set<String> many = new HashSet<>();
        for (int i = 0; i <= AccountClaims.MAX_GROUPS; i++) {
            many.add("group" + i);
        }
        assertInvalid(() -> new AccountClaims("sub", null, null, many, false));
    }

    private static void assertInvalid(Runnable construct) {
        KeyRegistryException e = assertThrows(KeyRegistryException.class, construct::run);
        assertEquals(KeyRegistryException.Reason.INVALID_ACCOUNT, e.reason());
    }
}
