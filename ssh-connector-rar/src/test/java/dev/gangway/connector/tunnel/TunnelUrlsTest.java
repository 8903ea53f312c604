package dev.gangway.connector.tunnel;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TunnelUrlsTest {

    private static final String KEY = "my-app-whrjjrqx";

    @Test
    void hostIsReplacedAndPortKeptWithTheSlashNodeAdds() {
        // Preevy builds the URL with Node's URL, whose serialization always has a path: hello's rootUrl ends in '/'.
        assertEquals("http://my-app-whrjjrqx.localhost:8080/", TunnelUrls.url(URI.create("http://localhost:8080"), KEY));
        assertEquals("http://localhost:8080/", TunnelUrls.root(URI.create("http://localhost:8080")));
    }

    @Test
    void trailingSlashAndPathAreKept() {
        assertEquals("https://my-app-whrjjrqx.example.com/", TunnelUrls.url(URI.create("https://example.com/"), KEY));
        assertEquals("https://my-app-whrjjrqx.example.com/base",
                TunnelUrls.url(URI.create("https://example.com/base"), KEY));
    }

    @Test
    void defaultPortIsLeftOutAndOtherPortsKept() {
        assertEquals("http://my-app-whrjjrqx.example.com/", TunnelUrls.url(URI.create("http://example.com:80"), KEY));
        assertEquals("https://my-app-whrjjrqx.example.com/", TunnelUrls.url(URI.create("https://example.com:443/"), KEY));
        assertEquals("https://my-app-whrjjrqx.example.com:80/", TunnelUrls.url(URI.create("https://example.com:80"), KEY));
    }

    @Test
    void schemeAndHostAreLowerCased() {
        assertEquals("https://my-app-whrjjrqx.example.com/", TunnelUrls.url(URI.create("HTTPS://Example.COM"), KEY));
    }

    @Test
    void baseUrlWithoutHostIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TunnelUrls.url(URI.create("localhost"), KEY));
        assertThrows(IllegalArgumentException.class, () -> TunnelUrls.url(URI.create("file:///tmp"), KEY));
    }
}
