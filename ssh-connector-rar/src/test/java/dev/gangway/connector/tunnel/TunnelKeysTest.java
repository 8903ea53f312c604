package dev.gangway.connector.tunnel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hash suffixes below were computed outside Java with
 * {@code printf '%s' NAME | openssl md5 -binary | basenc --base64url}, first four characters, lower-cased.
 */
class TunnelKeysTest {

    private static final String CLIENT = "whrjjrqx";
    /** 63 - 8 - 1: the longest name kept as it is next to an 8-character client id. */
    private static final int MAX = 54;

    @Test
    void cleanNameIsKeptAsItIs() {
        assertEquals("my-app_1-" + CLIENT, TunnelKeys.key("my-app_1", CLIENT));
    }

    @Test
    void upperCaseGetsTheHashSuffix() {
        // MD5("Baz_Q") in base64url: 18m4C8Xa…
        assertEquals("baz_q-18m4-" + CLIENT, TunnelKeys.key("Baz_Q", CLIENT));
    }

    @Test
    void protocolExampleWithPunctuationAndNonAscii() {
        String name = "$a§" + "`" + "dgbc" + "``" + "23§4sx";
        // MD5 of its UTF-8 bytes in base64url: m2_7yORk…
        assertEquals("-a--dgbc--23-4sx-m2_7-my-client", TunnelKeys.key(name, "my-client"));
    }

    @Test
    void nameOfExactlyTheMaximumLengthIsKept() {
        String name = "a".repeat(MAX);
        String key = TunnelKeys.key(name, CLIENT);
        assertEquals(name + "-" + CLIENT, key);
        assertEquals(TunnelKeys.MAX_LABEL_LENGTH, key.length());
    }

    @Test
    void nameOneOverTheMaximumIsTruncatedAndHashed() {
        String name = "a".repeat(MAX + 1);
        // printf 'a%.0s' {1..55} | openssl md5 -binary | basenc --base64url → 7xdytt_5…
        String key = TunnelKeys.key(name, CLIENT);
        assertEquals("a".repeat(MAX - 5) + "-7xdy-" + CLIENT, key);
        assertEquals(TunnelKeys.MAX_LABEL_LENGTH, key.length());
    }

    @Test
    void longNamesWithTheSamePrefixGetDifferentKeys() {
        String prefix = "b".repeat(MAX);
        assertTrue(!TunnelKeys.key(prefix + "x", CLIENT).equals(TunnelKeys.key(prefix + "y", CLIENT)));
    }

    @Test
    void characterOutsideTheBmpCountsAsTwoCodeUnits() {
        // U+1F600 is two UTF-16 code units, so it cleans to two '-', as in JavaScript.
        // printf 'x\xf0\x9f\x98\x80y' | openssl md5 -binary | basenc --base64url → gMwzR_Gt…
        assertEquals("x--y-gmwz-" + CLIENT, TunnelKeys.key("x\uD83D\uDE00y", CLIENT));
    }

    @Test
    void loneSurrogateIsHashedAsNodeEncodesIt() {
        // Node writes a lone surrogate as U+FFFD (EF BF BD), not '?':
        // printf 'x\xef\xbf\xbd' | openssl md5 -binary | basenc --base64url → MkP4BXqG…
        assertEquals("x--mkp4-" + CLIENT, TunnelKeys.key("x\uD83D", CLIENT));
    }

    @Test
    void nonAsciiLetterIsReplacedNotTransliterated() {
        // printf 'café' | openssl md5 -binary | basenc --base64url → BxF_5KHr…
        assertEquals("caf--bxf_-" + CLIENT, TunnelKeys.key("café", CLIENT));
    }

    @Test
    void cleanReplacesEverythingOutsideTheDnsAlphabet() {
        assertEquals("a-b-c_d-9", TunnelKeys.clean("A.b/C_d-9"));
    }

    @Test
    void clientIdTooLongForALabelIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TunnelKeys.key("x", "c".repeat(60)));
    }
}
