package dev.gangway.it.support;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A visitor's browser: plain HTTP/1.1 requests to the IT server's HTTP port, with the Host header naming the site.
 * Requests always go to {@code localhost} and carry the tunnel host in {@code Host}, because {@code *.localhost}
 * does not resolve on every machine. (The failsafe configuration allows the restricted {@code Host} header.)
 */
public final class Visitor {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private Visitor() {
    }

    /** {@code GET <path>} on the base host. */
    public static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(ItServer.url(path)).GET());
    }

    /** {@code GET <path>} with {@code Host: <host>}, e.g. {@link ItServer#tunnelHost(String)}. */
    public static HttpResponse<String> get(String host, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(ItServer.url(path)).header("Host", host).GET());
    }

    /** Any request, with the timeout every IT uses; build its URI with {@link ItServer#url(String)}. */
    public static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The shared client, for tests that need other body handlers. */
    public static HttpClient client() {
        return CLIENT;
    }
}
