package dev.gangway.connector.ssh;

import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real OpenSSH client against the in-JVM server: OpenSSH's exact requests (env, no-more-sessions, keepalives,
 * streamlocal and named tcpip forwards) must each get a proper answer. Skipped where /usr/bin/ssh is missing.
 */
class OpenSshClientTest {

    @TempDir
    Path dir;

    private SshTunnelServer server;
    private Path identity;
    private String clientId;
    private final OpenSsh openSsh = new OpenSsh();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        identity = OpenSsh.keygen(dir.resolve("id_ed25519"));
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        clientId = ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));
        server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));
    }

    @AfterEach
    void stop() {
        openSsh.close();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void helloHoldsTheForwardsAndVisitorsReachTheService() throws Exception {
        try (Backends.Backend echo = Backends.echo()) {
            Process ssh = ssh("-o", "ServerAliveInterval=1", "-o", "SetEnv=FOO=bar",
                    "-R", "/myapp#access=public:127.0.0.1:" + echo.port(),
                    "-R", "named:80:127.0.0.1:" + echo.port(), "hello");
            String line = OpenSsh.firstLine(ssh);
            JsonObject hello = Json.createReader(new StringReader(line)).readObject();
            assertEquals(clientId, hello.getString("clientId"));
            String key = TunnelKeys.key("myapp", clientId);
            assertEquals("http://" + key + ".gw.test:8080/", hello.getJsonObject("tunnels").getString("/myapp#access=public"));
            assertEquals("http://" + TunnelKeys.key("named", clientId) + ".gw.test:8080/",
                    hello.getJsonObject("tunnels").getString("named"));

            // Stays connected while holding tunnels, through several of its own keepalives.
            Thread.sleep(2500);
            assertTrue(ssh.isAlive(), "ssh exited: " + stderr(ssh));

            assertEquals("ping through streamlocal\n", roundTrip(server.registry().find(key).orElseThrow(),
                    "ping through streamlocal\n"));
            assertEquals("ping through tcpip\n", roundTrip(
                    server.registry().find(TunnelKeys.key("named", clientId)).orElseThrow(), "ping through tcpip\n"));

            echo.close();
            TunnelException refused = assertThrows(TunnelException.class,
                    () -> server.registry().find(key).orElseThrow().openStream(TestSsh.TIMEOUT));
            assertEquals(TunnelException.Reason.REFUSED_BY_CLIENT, refused.reason());

            ssh.destroy();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!server.registry().all().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(server.registry().all().isEmpty());
        }
    }

    /**
     * Half-close through OpenSSH, in the order an upgraded stream may use it: the service ends its output first and
     * keeps reading; what the server writes after that, and its EOF, still reach the service.
     */
    @Test
    void theServiceEndingItsOutputFirstStillGetsWhatFollowsAndTheEnd() throws Exception {
        CompletableFuture<String> receivedByService = new CompletableFuture<>();
        try (Backends.Backend closeFirst = new Backends.Backend(socket -> {
            socket.getOutputStream().write("greeting".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            receivedByService.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        })) {
            Process ssh = ssh("-R", "/halfclose:127.0.0.1:" + closeFirst.port(), "hello");
            new BufferedReader(new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8)).readLine();
            TunnelStream stream = server.registry().find(TunnelKeys.key("halfclose", clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            StringBuilder greeting = new StringBuilder();
            for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
                greeting.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            }
            assertEquals("greeting", greeting.toString());

            StreamIo.writeAll(stream, ByteBuffer.wrap("late words".getBytes(StandardCharsets.UTF_8)));
            stream.shutdownOutput();
            // The EOF alone ends the service's input: the channel is still open.
            assertEquals("late words", receivedByService.get(5, TimeUnit.SECONDS));
            stream.close();
        }
    }

    /**
     * A stream the server gives up on (a visitor left mid-request) is closed on the client's side too: OpenSSH
     * closes its connection to the service, rather than keeping it, and the channel, until the SSH session ends.
     */
    @Test
    void closingAStreamClosesTheClientsConnectionToTheService() throws Exception {
        CompletableFuture<String> serviceSaw = new CompletableFuture<>();
        try (Backends.Backend waiting = new Backends.Backend(socket ->
                serviceSaw.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)))) {
            Process ssh = ssh("-R", "/abandon:127.0.0.1:" + waiting.port(), "hello");
            new BufferedReader(new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8)).readLine();
            TunnelStream stream = server.registry().find(TunnelKeys.key("abandon", clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            StreamIo.writeAll(stream, ByteBuffer.wrap("POST /upload HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8)));
            stream.close();
            assertEquals("POST /upload HTTP/1.1\r\n", serviceSaw.get(5, TimeUnit.SECONDS));
            assertTrue(ssh.isAlive(), "the session itself stays");
        }
    }

    @Test
    void helloWithoutForwardsEndsTheClient() throws Exception {
        Process ssh = ssh("hello");
        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS), "ssh did not exit");
        assertEquals(0, ssh.exitValue(), stderr(ssh));
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.startsWith("{\"clientId\":\"" + clientId + "\""), out);
    }

    @Test
    void shellAndPtyAreRefusedWithoutAHang() throws Exception {
        Process ssh = ssh("-tt");
        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS), "ssh did not exit");
        assertTrue(ssh.exitValue() != 0);
    }

    private Process ssh(String... args) throws Exception {
        return openSsh.ssh(server.port(), identity, args);
    }

    private static String stderr(Process process) throws Exception {
        return OpenSsh.stderr(process);
    }

    private static String roundTrip(Tunnel tunnel, String text) throws Exception {
        TunnelStream stream = tunnel.openStream(TestSsh.TIMEOUT);
        try {
            StreamIo.writeAll(stream, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            stream.shutdownOutput();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            while (true) {
                buffer.clear();
                int n = StreamIo.read(stream, buffer);
                if (n < 0) {
                    return all.toString(StandardCharsets.UTF_8);
                }
                all.write(buffer.array(), 0, n);
            }
        } finally {
            stream.close();
        }
    }
}
