package dev.gangway.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.jboss.dmr.ModelNode;

/**
 * The server's HTTP management endpoint ({@code /management}, JSON), as the admin console and curl use it, logged in
 * as the development admin user the configured server ships with (README: admin console). Going through HTTP with
 * that user checks the user too, which the Arquillian container's own local-auth client would not.
 *
 * <p>The endpoint uses HTTP Digest, which {@link HttpURLConnection} speaks and {@code java.net.http} does not.
 */
public final class ManagementApi {

    public static final String USER = "admin";
    public static final String PASSWORD = "gangway";

    private ManagementApi() {
    }

    /**
     * Runs one management operation and returns the whole response: {@code outcome}, {@code result} and, on
     * failure, {@code failure-description}.
     *
     * @param operation e.g. {@code read-resource}
     * @param address   alternating keys and values, e.g. {@code "subsystem", "resource-adapters"}
     * @param params    alternating parameter names and values (booleans, numbers, strings or model nodes)
     */
    public static ModelNode execute(String operation, String[] address, Object... params) throws IOException {
        return executeOn(ItServer.managementPort(), operation, address, params);
    }

    /** As {@link #execute}, on the server whose management HTTP port is {@code managementPort} (cluster ITs). */
    public static ModelNode executeOn(int managementPort, String operation, String[] address, Object... params)
            throws IOException {
        ModelNode op = new ModelNode();
        op.get("operation").set(operation);
        ModelNode addr = op.get("address").setEmptyList();
        for (int i = 0; i < address.length; i += 2) {
            addr.add(address[i], address[i + 1]);
        }
        for (int i = 0; i < params.length; i += 2) {
            Object value = params[i + 1];
            ModelNode p = op.get((String) params[i]);
            if (value instanceof ModelNode node) {
                p.set(node);
            } else if (value instanceof Boolean b) {
                p.set(b);
            } else if (value instanceof Integer n) {
                p.set(n);
            } else {
                p.set(String.valueOf(value));
            }
        }
        return post(managementPort, op);
    }

    /** Runs an operation and returns its {@code result}, failing with the server's reason if it did not succeed. */
    public static ModelNode result(String operation, String[] address, Object... params) throws IOException {
        return resultOn(ItServer.managementPort(), operation, address, params);
    }

    /** As {@link #result}, on the server whose management HTTP port is {@code managementPort} (cluster ITs). */
    public static ModelNode resultOn(int managementPort, String operation, String[] address, Object... params)
            throws IOException {
        ModelNode response = executeOn(managementPort, operation, address, params);
        if (!"success".equals(response.get("outcome").asString())) {
            throw new AssertionError(operation + " on " + String.join("/", address) + " failed: "
                    + response.get("failure-description"));
        }
        return response.get("result");
    }

    private static ModelNode post(int managementPort, ModelNode operation) throws IOException {
        URI uri = URI.create("http://" + ItServer.HOST + ":" + managementPort + "/management");
        HttpURLConnection conn = (HttpURLConnection) uri.toURL().openConnection();
        conn.setAuthenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(USER, PASSWORD.toCharArray());
            }
        });
        conn.setRequestMethod("POST");
        conn.setConnectTimeout(10_000);
        conn.setReadTimeout(60_000);
        conn.setDoOutput(true);
        conn.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = conn.getOutputStream()) {
            out.write(operation.toJSONString(true).getBytes(StandardCharsets.UTF_8));
        }
        int status = conn.getResponseCode();
        // A failed operation comes back as 500 with the same JSON body; only an auth failure has no JSON.
        try (InputStream in = status < 400 ? conn.getInputStream() : conn.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (status == 401 || status == 403) {
                throw new IOException("management endpoint refused user " + USER + ": HTTP " + status);
            }
            return ModelNode.fromJSONString(body);
        } finally {
            conn.disconnect();
        }
    }
}
