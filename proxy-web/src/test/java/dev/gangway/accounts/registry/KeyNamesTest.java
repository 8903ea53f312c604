package dev.gangway.accounts.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"work laptop", "Büro-PC (2024)", "ci@build.example", "yubikey+backup", "x", "山田のPC"})
    void ordinaryNamesAreKept(String name) {
        assertEquals(name, KeyNames.validate("  " + name + "\t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "line\nbreak", "tab\tinside", "<script>", "a;b", "-leading", "'quote'",
            "bell\u0007", "zero\u200bwidth"})
    void emptyAndUnsafeNamesAreRefused(String name) {
        KeyRegistryException e = assertThrows(KeyRegistryException.class, () -> KeyNames.validate(name));
        assertEquals(KeyRegistryException.Reason.INVALID_NAME, e.reason());
    }

    @ParameterizedTest
    @ValueSource(ints = {KeyNames.MAX_LENGTH, KeyNames.MAX_LENGTH + 1})
    void lengthIsBoundedInCharactersNotBytes(int length) {
        String name = "é".repeat(length);
        if (length <= KeyNames.MAX_LENGTH) {
            assertEquals(name, KeyNames.validate(name));
        } else {
            assertThrows(KeyRegistryException.class, () -> KeyNames.validate(name));
        }
    }

    @org.junit.jupiter.api.Test
    void nullIsRefused() {
        assertThrows(KeyRegistryException.class, () -> KeyNames.validate(null));
    }
}
