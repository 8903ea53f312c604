package dev.gangway.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.dmr.ModelNode;

/**
 * The ITs' identity provider: Keycloak from Maven Central ({@code keycloak-quarkus-dist}, unpacked by proxy-ear's
 * build), in development mode on loopback with the test realm {@code gangway} imported from
 * {@code src/test/resources/keycloak/gangway-realm.json}: groups {@code gangway-users}, {@code gangway-admins} and
 * {@code gangway-testers} (the IT server's {@code privateTunnelGroups}), people alice and bob (users), carol (no
 * group), ada (users and admins), tess (testers only), and the confidential client
 * {@code gangway} with the {@code groups} claim.
 *
 * <p>Started once per IT run, by the first test that asks for it ({@link #shared()}: some 20–40 s), and stopped by a
 * JVM shutdown hook when the Failsafe JVM ends, so classes that do not need it pay nothing. Its database is a file
 * under the unpacked distribution, deleted before each start so that every run begins with the realm as imported.
 */
public final class KeycloakServer {

    public static final String REALM = "gangway";
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-password";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private static KeycloakServer shared;

    private final Path home;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(Path home, int port, Process process) {
        this.home = home;
        this.port = port;
        this.process = process;
    }

    /** The one Keycloak of this IT run, started on first use. */
    public static synchronized KeycloakServer shared() throws Exception {
        if (shared == null) {
            shared = start(Path.of(System.getProperty("gangway.it.keycloak-home", "target/keycloak/keycloak-26.7.3")),
                    Integer.getInteger("gangway.it.keycloak-port", 18380));
        }
        return shared;
    }

    private static KeycloakServer start(Path home, int port) throws Exception {
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak at " + home.toAbsolutePath()
                    + ": proxy-ear's build unpacks it in pre-integration-test");
        }
        TempDirs.deleteTree(home.resolve("data"));
        Path imports = Files.createDirectories(home.resolve("data/import"));
        try (InputStream realm = KeycloakServer.class.getResourceAsStream("/keycloak/gangway-realm.json")) {
            if (realm == null) {
                throw new IllegalStateException("keycloak/gangway-realm.json is not on the test class path");
            }
            Files.copy(realm, imports.resolve("gangway-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        String url = "http://localhost:" + port;
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--import-realm", "--http-host=127.0.0.1", "--http-port=" + port,
                "--http-management-port=" + (port + 1),
                // STACK.md gotcha 10: without a fixed hostname the issuer follows each request's Host header.
                "--hostname=" + url, "--cache=local"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("keycloak.log").toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        KeycloakServer server = new KeycloakServer(home, port, builder.start());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keycloak-stop"));
        try {
            Poll.until(START_TIMEOUT, Duration.ofMillis(500), "Keycloak up with realm " + REALM + " (log: "
                    + home.resolve("keycloak.log") + ")", server::discoveryStatus, status -> {
                        if (!server.process.isAlive()) {
                            throw new IllegalStateException("Keycloak exited with " + server.process.exitValue()
                                    + "; see " + home.resolve("keycloak.log"));
                        }
                        return status == 200;
                    });
        } catch (Exception | Error e) {
            server.stop();
            throw e;
        }
        return server;
    }

    /** The realm's issuer, {@code http://localhost:<port>/realms/gangway}: what the IT server's OIDC client uses. */
    public URI issuer() {
        return URI.create("http://localhost:" + port + "/realms/" + REALM);
    }

    private int discoveryStatus() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Removes {@code username} from {@code group} through Keycloak's admin REST API, as an administrator would. */
    public void removeFromGroup(String username, String group) throws IOException, InterruptedException {
        String token = adminToken();
        String user = userId(token, username);
        String groupId = admin(token, "GET", "/groups?exact=true&search=" + encode(group)).get(0).get("id").asString();
        admin(token, "DELETE", "/users/" + user + "/groups/" + groupId);
    }

    /**
     * Adds a person to the realm with a password and these groups, through the admin REST API; e-mail and names are
     * set so that Keycloak's user profile asks nothing more at their first sign-in.
     */
    public void createUser(String username, String password, String... groups) throws IOException, InterruptedException {
        ModelNode user = new ModelNode();
        user.get("username").set(username);
        user.get("enabled").set(true);
        user.get("email").set(username + "@example.com");
        user.get("emailVerified").set(true);
        user.get("firstName").set(username);
        user.get("lastName").set("Tester");
        ModelNode credential = user.get("credentials").add();
        credential.get("type").set("password");
        credential.get("value").set(password);
        credential.get("temporary").set(false);
        user.get("groups").setEmptyList();
        for (String group : groups) {
            user.get("groups").add("/" + group);
        }
        admin(adminToken(), "POST", "/users", user);
    }

    /** Disables {@code username} at the provider, as an administrator does when someone leaves. */
    public void disableUser(String username) throws IOException, InterruptedException {
        String token = adminToken();
        String user = userId(token, username);
        ModelNode update = new ModelNode();
        update.get("enabled").set(false);
        admin(token, "PUT", "/users/" + user, update);
    }

    private String userId(String token, String username) throws IOException, InterruptedException {
        return admin(token, "GET", "/users?exact=true&username=" + encode(username)).get(0).get("id").asString();
    }

    private String adminToken() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username=" + ADMIN + "&password=" + ADMIN_PASSWORD;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Keycloak admin token: " + response.statusCode() + " " + response.body());
        }
        return ModelNode.fromJSONString(response.body()).get("access_token").asString();
    }

    private ModelNode admin(String token, String method, String path) throws IOException, InterruptedException {
        return admin(token, method, path, null);
    }

    private ModelNode admin(String token, String method, String path, ModelNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/admin/realms/" + REALM + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toJSONString(true)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Keycloak admin " + method + " " + path + ": " + response.statusCode() + " "
                    + response.body());
        }
        return response.body().isEmpty() || !response.body().startsWith("[") && !response.body().startsWith("{")
                ? new ModelNode() : ModelNode.fromJSONString(response.body());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void stop() {
        // kc.sh execs Java, but stop the whole tree in case a shell stayed in between.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
