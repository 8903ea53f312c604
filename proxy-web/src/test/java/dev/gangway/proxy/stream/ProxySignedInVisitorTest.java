package dev.gangway.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.proxy.access.PreevyKey;

/**
 * Single sign-on visitors of private tunnels through a real Undertow: the one-time code, the host-only session
 * cookie, who is let in (the owner, members of an allowed group) and what the service sees.
 */
class ProxySignedInVisitorTest {

    private static final String HOST = "secret-abc12345.gw.test";
    private static final SignedInPerson MEMBER = new SignedInPerson("sub-tess", "tess", "tess@example.com",
            List.of("other", "testers"), false);
    private static final SignedInPerson OUTSIDER = new SignedInPerson("sub-olga", "olga", null, List.of("other"), false);
    private static final SignedInPerson OWNER = new SignedInPerson("sub-owen", "owen", "owen@example.com", List.of(),
            false);

    @TempDir
    static Path dir;
    private static PreevyKey key;

    private Backend backend;
    private ProxyServer proxy;

    @BeforeAll
    static void key() throws Exception {
        key = PreevyKey.generate(dir, "ed25519");
    }

    @BeforeEach
    void start() throws Exception {
        backend = new Backend();
        proxy = ProxyServer.withPrivateTunnelGroups(List.of("testers"));
        proxy.factory.registerPrivate("secret-abc12345", backend.address(), key.publicKeyLine(),
                new KeyOwner("sub-owen", "owen", "owen@example.com", List.of()));
        proxy.factory.registerPrivate("other-abc12345", backend.address(), key.publicKeyLine());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    private RawHttp.Response get(String host, String target, String... headers) throws Exception {
        return proxy.get(host, target, headers);
    }

    /** Signs {@code person} in as the sign-in page would; returns the session cookie's value. */
    private String signIn(SignedInPerson person, String returnUrl) throws Exception {
        URI callback = URI.create(proxy.handoff().issue(person, returnUrl));
        assertEquals("/_gangway/callback", callback.getPath());
        RawHttp.Response response = get(callback.getAuthority(), callback.getRawPath() + "?" + callback.getRawQuery());
        assertEquals(302, response.status(), response.text());
        assertEquals(returnUrl, response.header("Location"));
        String setCookie = response.header("Set-Cookie");
        String lower = setCookie.toLowerCase(Locale.ROOT);
        assertTrue(setCookie.startsWith("gangway_session="), setCookie);
        assertTrue(lower.contains("httponly") && lower.contains("samesite=lax") && lower.contains("path=/"), setCookie);
        assertFalse(lower.contains("domain"), "host-only: never a cookie every tunnel could read: " + setCookie);
        assertFalse(lower.contains("secure"), "plain HTTP here: " + setCookie);
        return setCookie.substring("gangway_session=".length(), setCookie.indexOf(';'));
    }

    @Test
    void aMemberOfAnAllowedGroupGetsThroughAndTheServiceSeesTheirIdentityButNotTheCookie() throws Exception {
        String session = signIn(MEMBER, "http://" + HOST + ":8080/headers/s?q=1");
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes());
        RawHttp.Response response = get(HOST + ":8080", "/headers/s?q=1",
                "Cookie: theme=dark; gangway_session=" + session + "; lang=en\r\n", "Authorization: " + basic + "\r\n",
                "X-Forwarded-User: mallory\r\n");
        assertEquals(200, response.status(), response.text());
        assertEquals(List.of("theme=dark; lang=en"), Backend.echoed(response.text(), "cookie"));
        assertEquals(List.of(basic), Backend.echoed(response.text(), "authorization"), "the service's own Basic auth passes");
        assertEquals(List.of("tess"), Backend.echoed(response.text(), "x-forwarded-user"));
        assertEquals(List.of("tess@example.com"), Backend.echoed(response.text(), "x-forwarded-email"));
        assertEquals(List.of("other,testers"), Backend.echoed(response.text(), "x-forwarded-groups"));
        assertEquals(1, Backend.echoed(response.text(), "x-gangway-identity").size());
    }

    @Test
    void theOwnerGetsThroughWithoutAnAllowedGroup() throws Exception {
        String session = signIn(OWNER, "http://" + HOST + "/headers/o");
        RawHttp.Response response = get(HOST, "/headers/o", "Cookie: gangway_session=" + session + "\r\n");
        assertEquals(200, response.status(), response.text());
        assertEquals(List.of("owen"), Backend.echoed(response.text(), "x-forwarded-user"));
        assertEquals(List.of(), Backend.echoed(response.text(), "cookie"));
    }

    @Test
    void anyoneElseSignedInGetsA403() throws Exception {
        String session = signIn(OUTSIDER, "http://" + HOST + "/headers/x");
        RawHttp.Response response = get(HOST, "/headers/x", "Cookie: gangway_session=" + session + "\r\n");
        assertEquals(403, response.status(), response.text());
        assertTrue(proxy.factory.opened.isEmpty(), "nothing reaches the service");
    }

    @Test
    void aCodeWorksOnceOnItsOwnHostOnly() throws Exception {
        URI callback = URI.create(proxy.handoff().issue(MEMBER, "http://" + HOST + "/headers/a"));
        String target = callback.getRawPath() + "?" + callback.getRawQuery();
        assertEquals(400, get("other-abc12345.gw.test", target).status(), "bound to the host it was issued for");
        URI second = URI.create(proxy.handoff().issue(MEMBER, "http://" + HOST + "/headers/a"));
        String secondTarget = second.getRawPath() + "?" + second.getRawQuery();
        assertEquals(302, get(HOST, secondTarget).status());
        assertEquals(400, get(HOST, secondTarget).status(), "single use");
        assertEquals(400, get(HOST, "/_gangway/callback?code=made-up").status());
    }

    @Test
    void aSessionOpensOnlyItsOwnHost() throws Exception {
        String session = signIn(MEMBER, "http://" + HOST + "/headers/a");
        RawHttp.Response elsewhere = get("other-abc12345.gw.test", "/headers/a",
                "Cookie: gangway_session=" + session + "\r\n");
        assertEquals(302, elsewhere.status(), "another tunnel's session is no credential here: sign in");
        assertEquals(302, get(HOST, "/headers/a", "Cookie: gangway_session=forged.token.x\r\n").status());
    }

    @Test
    void returnUrlsOffTunnelHostsAreRefused() {
        for (String url : new String[] {"http://evil.example/", "http://gw.test:8080/", "javascript:alert(1)",
                "http://a.b.gw.test/", "http://user@secret-abc12345.gw.test/"}) {
            assertThrows(IllegalArgumentException.class, () -> proxy.handoff().issue(MEMBER, url), url);
        }
    }

}
