package dev.gangway.proxy.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner keys and owner JWTs, against keys from the real ssh-keygen and tokens signed with the JDK. */
class OwnerJwtsTest {

    @TempDir
    static Path dir;

    private static PreevyKey ed25519;
    private static PreevyKey rsa;
    private static PreevyKey stranger;

    private final MovableClock clock = new MovableClock();
    private final OwnerJwts jwts = new OwnerJwts(clock);

    @BeforeAll
    static void keys() throws Exception {
        ed25519 = PreevyKey.generate(dir, "ed25519");
        rsa = PreevyKey.generate(dir, "rsa");
        stranger = PreevyKey.generate(dir, "ed25519");
    }

    @Test
    void thumbprintUrisMatchAnIndependentComputation() throws Exception {
        assertEquals(ed25519.thumbprintUri(), OwnerKey.parse(ed25519.publicKeyLine()).thumbprintUri());
        assertEquals(rsa.thumbprintUri(), OwnerKey.parse(rsa.publicKeyLine() + " a comment").thumbprintUri());
        assertEquals("EdDSA", OwnerKey.parse(ed25519.publicKeyLine()).algorithm());
        assertEquals("RS256", OwnerKey.parse(rsa.publicKeyLine()).algorithm());
        assertTrue(ed25519.thumbprintUri().startsWith("urn:ietf:params:oauth:jwk-thumbprint:sha-256:"));
    }

    @Test
    void ecdsaKeysCannotSignOwnerJwts() throws Exception {
        // Preevy signs with ed25519 and RSA keys only.
        Path file = dir.resolve("ecdsa");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", file.toString()).start();
        assertEquals(0, p.waitFor());
        String line = java.nio.file.Files.readString(Path.of(file + ".pub"));
        assertNull(OwnerKey.parse(line));
    }

    @Test
    void malformedKeyLinesAreRefused() {
        for (String line : new String[] {"ssh-ed25519", "ssh-ed25519 !!!", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
                "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIFake"}) {
            try {
                OwnerKey.parse(line);
                throw new AssertionError("accepted " + line);
            } catch (IllegalArgumentException expected) {
                // refused with a reason
            }
        }
    }

    @Test
    void validTokensOfBothKeyTypesPass() throws Exception {
        assertTrue(jwts.verify(ed25519.jwt(), key(ed25519)));
        assertTrue(jwts.verify(rsa.jwt(), key(rsa)));
    }

    @Test
    void anotherKeysTokenFails() throws Exception {
        assertFalse(jwts.verify(stranger.jwt(), key(ed25519)), "signed by and issued for another key");
        // Signed by another key but claiming this key's issuer: the signature is what counts.
        long now = clock.millis() / 1000;
        String forged = stranger.jwt("{\"iss\":\"preevy://" + ed25519.thumbprintUri() + "\",\"iat\":" + now + "}");
        assertFalse(jwts.verify(forged, key(ed25519)));
    }

    @Test
    void expiredTokenFailsAndACachedOneExpiresToo() throws Exception {
        long now = clock.millis() / 1000;
        assertFalse(jwts.verify(ed25519.jwt(now - 7200, now - 3600), key(ed25519)));

        String shortLived = ed25519.jwt(now, now + 60);
        assertTrue(jwts.verify(shortLived, key(ed25519)));
        assertEquals(1, jwts.cachedTokens());
        clock.advance(java.time.Duration.ofSeconds(120));
        assertFalse(jwts.verify(shortLived, key(ed25519)), "the cache must not outlive the token");
    }

    @Test
    void tokenWithoutIatOrWithAnotherIssuerFails() throws Exception {
        long now = clock.millis() / 1000;
        String iss = "\"iss\":\"preevy://" + ed25519.thumbprintUri() + "\"";
        assertFalse(jwts.verify(ed25519.jwt("{" + iss + ",\"exp\":" + (now + 60) + "}"), key(ed25519)));
        assertFalse(jwts.verify(ed25519.jwt("{\"iss\":\"preevy://other\",\"iat\":" + now + "}"), key(ed25519)));
        assertTrue(jwts.verify(ed25519.jwt("{" + iss + ",\"iat\":" + now + "}"), key(ed25519)),
                "exp is honoured when present, not required (as Preevy's server)");
    }

    @Test
    void algorithmMustBeTheKeysOwn() throws Exception {
        long now = clock.millis() / 1000;
        String claims = "{\"iss\":\"preevy://" + ed25519.thumbprintUri() + "\",\"iat\":" + now + "}";
        String payload = b64(claims);
        assertFalse(jwts.verify(b64("{\"alg\":\"none\"}") + "." + payload + ".", key(ed25519)), "alg none");
        assertFalse(jwts.verify(b64("{\"alg\":\"HS256\"}") + "." + payload + ".AAAA", key(ed25519)));
    }

    @Test
    void garbageNeverThrows() throws Exception {
        for (String token : new String[] {"", "abc", "a.b.c", "...", "not a jwt at all", "eyJ.eyJ.x",
                b64("{") + "." + b64("{") + ".x"}) {
            assertFalse(jwts.verify(token, key(ed25519)), token);
        }
    }

    @Test
    void verificationCostWithAndWithoutTheCache() throws Exception {
        OwnerKey key = key(ed25519);
        int rounds = 2000;
        String[] tokens = new String[rounds];
        long now = clock.millis() / 1000;
        for (int i = 0; i < rounds; i++) {
            tokens[i] = ed25519.jwt(now - i, now + 3600);
        }
        OwnerJwts uncached = new OwnerJwts(clock);
        long start = System.nanoTime();
        for (String token : tokens) {
            assertTrue(uncached.verify(token, key));
        }
        long fullNanos = (System.nanoTime() - start) / rounds;
        start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            assertTrue(uncached.verify(tokens[i], key));
        }
        long cachedNanos = (System.nanoTime() - start) / rounds;
        System.out.printf("owner JWT (EdDSA) verification: %d µs a token uncached, %d µs cached%n",
                fullNanos / 1000, cachedNanos / 1000);
        assertTrue(cachedNanos < fullNanos, "the cache must be cheaper than a signature check");
    }

    @Test
    void credentialsAreReadAsPreevySendsThem() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("x-preevy-profile-key:tok.en.x"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("tok.en.x", OwnerCredential.token(basic));
        assertEquals("tok.en.x", OwnerCredential.token("Bearer tok.en.x"));
        assertNull(OwnerCredential.token(null));
        assertNull(OwnerCredential.token("Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes())));
        assertNull(OwnerCredential.token("Basic %%%garbage"));
        assertNull(OwnerCredential.token("Basic"));
        assertNull(OwnerCredential.token("Digest x"));
    }

    private static OwnerKey key(PreevyKey key) {
        return OwnerKey.parse(key.publicKeyLine());
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
