package dev.gangway.connector.ssh;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthModeTest {

    @Test
    void everyModeParsesFromItsConfigValueWhateverTheCaseAndSpacing() {
        for (AuthMode mode : AuthMode.values()) {
            assertEquals(mode, AuthMode.parse(" " + mode.configValue().toUpperCase() + " "));
        }
        assertEquals(AuthMode.SSO, AuthMode.parse("sso"));
    }

    @Test
    void aWrongValueNamesTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthMode.parse("oidc"));
        assertTrue(e.getMessage().contains("open, authorized-keys, sso"), e.getMessage());
    }
}
