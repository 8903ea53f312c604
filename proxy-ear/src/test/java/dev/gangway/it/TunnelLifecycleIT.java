package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.Signals;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.TcpStates;
import dev.gangway.it.support.Visitor;

/**
 * A tunnel's life with the real OpenSSH client on the deployed EAR (PROTOCOL.md, "Opening tunnels" and keepalive):
 * it ends with its connection (killed or frozen), names are not shared or stolen from a live holder but are taken
 * over from a frozen one, cancel removes a forward, the named {@code tcpip-forward} extension works and ordinary port
 * forwards are refused, and the server is never a proxy into its own network. Each test uses its own key, so
 * tunnel names never meet across tests. What "gone" means is what a visitor sees: 502 "No active tunnel found".
 */
@ExtendWith(ArquillianExtension.class)
class TunnelLifecycleIT {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
    private static final String ENV = "lifecycle-env";
    private static final String NO_TUNNEL = "No active tunnel found";
    /** ssh's own warnings (a refused forward when it does not exit on it) are INFO: LogLevel=ERROR would hide them. */
    private static final List<String> KEEP_GOING_ON_FORWARD_FAILURE =
            List.of("-o", "ExitOnForwardFailure=no", "-o", "LogLevel=INFO");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void killedClientsTunnelIsGoneWithinTwoSecondsAndItsNameIsFreeAgain() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = labelled("backend")) {
            String host = host("gone", key);
            try (SshProcess ssh = holding(key, "-R", "/gone:localhost:" + backend.port())) {
                assertServedBy("backend", host, ssh);

                Signals.kill(ssh.pid()); // the kernel still sends the FIN
                long killed = System.nanoTime();
                Poll.until(Duration.ofSeconds(2), "gone to visitors", () -> Visitor.get(host, "/"),
                        TunnelLifecycleIT::noTunnel);
                System.out.printf("tunnel of a killed client gone after %d ms%n", millisSince(killed));
            }

            // The registry forgot the dead holder: the same key gets the name back on a new connection.
            try (SshProcess again = holding(key, "-R", "/gone:localhost:" + backend.port())) {
                assertServedBy("backend", host, again);
            }
        }
    }

    @Test
    void sameNameTwiceOnOneConnectionKeepsTheFirst() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend first = labelled("first");
             Backend second = labelled("second");
             // Two targets, so that OpenSSH does not drop the second -R as a duplicate before sending it.
             SshProcess ssh = SshProcess.start(key, ENV, options(KEEP_GOING_ON_FORWARD_FAILURE,
                     "-R", "/twice:localhost:" + first.port(),
                     "-R", "/twice:localhost:" + second.port()), "hello")) {

            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(SSH_TIMEOUT));

            assertEquals(Set.of("/twice"), hello.get("tunnels").keys(), hello.toJSONString(true));
            Poll.until(Duration.ofSeconds(5), "the refusal reported", ssh::stderr,
                    err -> err.contains("remote port forwarding failed for listen path /twice"));
            assertServedBy("first", host("twice", key), ssh);
        }
    }

    @Test
    void sameKeyWithOtherParametersOnOneConnectionIsRefused() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend first = labelled("first");
             Backend second = labelled("second");
             SshProcess ssh = SshProcess.start(key, ENV, options(KEEP_GOING_ON_FORWARD_FAILURE,
                     "-R", "/dup:localhost:" + first.port(),
                     "-R", "/dup#access=private:localhost:" + second.port()), "hello")) {

            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(SSH_TIMEOUT));

            assertEquals(Set.of("/dup"), hello.get("tunnels").keys(), hello.toJSONString(true));
            Poll.until(Duration.ofSeconds(5), "the refusal reported", ssh::stderr,
                    err -> err.contains("remote port forwarding failed for listen path /dup#access=private"));
            assertServedBy("first", host("dup", key), ssh);
        }
    }

    @Test
    void sameNameFromAnotherLiveConnectionIsRefusedAndTheHolderKeepsServing() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend first = labelled("first");
             Backend second = labelled("second");
             SshProcess holder = holding(key, "-R", "/busy:localhost:" + first.port())) {

            SshRun.Result intruder = SshRun.run(key, ENV, List.of("-N", "-R", "/busy:localhost:" + second.port()),
                    SSH_TIMEOUT);

            assertNotEquals(0, intruder.exitStatus(), intruder.describe());
            assertTrue(intruder.stderr().contains("remote port forwarding failed for listen path /busy"),
                    intruder.describe());
            assertTrue(holder.isAlive(), "the live holder was disconnected" + holder.describe());
            assertServedBy("first", host("busy", key), holder);
        }
    }

    @Test
    void frozenHoldersNameIsTakenOverAndItsLateEndLeavesTheNewcomerAlone() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend first = labelled("first");
             Backend second = labelled("second");
             SshProcess holder = holding(key, "-R", "/frozen:localhost:" + first.port())) {
            String host = host("frozen", key);
            assertServedBy("first", host, holder);

            try (Signals.Frozen frozen = Signals.stop(holder.pid());
                 SshProcess newcomer = SshProcess.start(key, ENV,
                         List.of("-R", "/frozen:localhost:" + second.port()), "hello")) {
                long asked = System.nanoTime();
                ModelNode hello = ModelNode.fromJSONString(newcomer.awaitLine(SSH_TIMEOUT));
                long tookMillis = millisSince(asked);
                System.out.printf("take-over of a frozen holder's name took %d ms%n", tookMillis);

                assertTrue(hello.get("tunnels").has("/frozen"), "the newcomer got the name: "
                        + hello.toJSONString(true) + newcomer.describe());
                assertTrue(tookMillis < 10_000, "take-over took " + tookMillis + " ms (check timeout 5 s)");
                assertServedBy("second", host, newcomer);

                // The old holder wakes up to a closed connection and ends; whatever the server still does about
                // that old connection must not touch the newcomer's registration.
                frozen.close();
                holder.awaitExit(Duration.ofSeconds(15));
                assertServedBy("second", host, newcomer);
                for (int i = 0; i < 5; i++) {
                    assertEquals("second", Visitor.get(host, "/").body());
                }
            }
        }
    }

    @Test
    void cancelThroughAControlMasterRemovesTheTunnel() throws Exception {
        Path socketDir = Files.createTempDirectory("gangway-it-mux");
        Path socket = socketDir.resolve("m");
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = labelled("backend");
             SshProcess master = SshProcess.start(key, ENV,
                     List.of("-M", "-S", socket.toString(), "-N", "-R", "/cancelme:localhost:" + backend.port()))) {
            String host = host("cancelme", key);
            Poll.until(Duration.ofSeconds(15), "served through the master", () -> Visitor.get(host, "/"),
                    r -> r.statusCode() == 200);

            SshRun.Result cancel = SshRun.run(key, ENV, List.of("-S", socket.toString(), "-O", "cancel",
                    "-R", "/cancelme:localhost:" + backend.port()), SSH_TIMEOUT);

            assertEquals(0, cancel.exitStatus(), cancel.describe() + master.describe());
            Poll.until(Duration.ofSeconds(2), "gone to visitors", () -> Visitor.get(host, "/"),
                    TunnelLifecycleIT::noTunnel);
            assertTrue(master.isAlive(), "cancelling one forward ended the connection" + master.describe());
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socketDir);
        }
    }

    @Test
    void namedTcpipForwardServesVisitorsUnderItsName() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = labelled("named");
             SshProcess ssh = SshProcess.start(key, ENV, List.of("-R", "myapp:80:localhost:" + backend.port()),
                     "hello")) {

            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(SSH_TIMEOUT));

            assertEquals(Set.of("myapp"), hello.get("tunnels").keys(), hello.toJSONString(true));
            assertEquals("http://" + host("myapp", key) + "/", hello.get("tunnels", "myapp").asString());
            assertServedBy("named", host("myapp", key), ssh);
        }
    }

    @Test
    void tcpipForwardsWithoutANameAreRefused() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = labelled("backend")) {
            for (String bind : List.of("0", "localhost:80", "127.0.0.1:80", "*:80")) {
                SshRun.Result result = SshRun.run(key, ENV,
                        List.of("-N", "-R", bind + ":localhost:" + backend.port()), SSH_TIMEOUT);

                assertNotEquals(0, result.exitStatus(), result.describe());
                assertTrue(result.stderr().contains("remote port forwarding failed"), result.describe());
            }
        }
    }

    @Test
    void stdioForwardToTheManagementPortIsRefused() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            SshRun.Result result = SshRun.run(key, ENV,
                    // LogLevel=INFO: ssh reports the server's refusal of the channel at INFO.
                    List.of("-o", "LogLevel=INFO", "-W", "127.0.0.1:" + ItServer.managementPort()), SSH_TIMEOUT);

            assertNotEquals(0, result.exitStatus(), result.describe());
            assertTrue(result.stderr().contains("open failed"), "the server refused the channel" + result.describe());
            assertTrue(result.stderr().contains("stdio forwarding failed"), result.describe());
            assertTrue(result.stdout().isEmpty(), "nothing came back from the management port" + result.describe());
        }
    }

    @Test
    void localForwardGetsNothingThrough() throws Exception {
        int localPort = freePort();
        try (SshKeyPair key = SshKeyPair.ed25519();
             SshProcess ssh = SshProcess.start(key, ENV,
                     // LogLevel=INFO: ssh reports a refused channel open at INFO.
                     List.of("-o", "LogLevel=INFO", "-N", "-L", localPort + ":127.0.0.1:" + ItServer.httpPort()))) {
            // ssh listens on the local port once it has logged in.
            Poll.until(Duration.ofSeconds(15), "ssh listening on " + localPort, () -> canConnect(localPort),
                    Boolean::booleanValue);

            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("ssh neither answered nor closed the forwarded connection"
                            + ssh.describe());
                } catch (IOException e) {
                    first = -1; // reset by ssh: nothing came through either
                }
                assertEquals(-1, first, "bytes came through a local forward" + ssh.describe());
            }
            Poll.until(Duration.ofSeconds(5), "ssh reporting the refused channel", ssh::stderr,
                    err -> err.contains("administratively prohibited") || err.contains("open failed"));
        }
    }

    @Test
    void keepaliveDropsAFrozenClientsTunnel() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = labelled("backend");
             SshProcess ssh = holding(key, "-R", "/sleepy:localhost:" + backend.port())) {
            String host = host("sleepy", key);
            assertServedBy("backend", host, ssh);
            assertEquals(Optional.of(TcpStates.ESTABLISHED), TcpStates.connectionTo(ssh.pid(), ItServer.sshPort()));

            try (Signals.Frozen frozen = Signals.stop(ssh.pid())) {
                long stopped = System.nanoTime();
                // A visitor's request to a frozen client would wait for the channel-open timeout; the frozen
                // client's own socket shows the moment the server hangs up (its end goes to CLOSE_WAIT).
                Poll.until(Duration.ofSeconds(30), "hung up on by the server",
                        () -> TcpStates.connectionTo(ssh.pid(), ItServer.sshPort()),
                        state -> !state.equals(Optional.of(TcpStates.ESTABLISHED)));
                long hungUpMillis = millisSince(stopped);
                Poll.until(Duration.ofSeconds(2), "gone to visitors", () -> Visitor.get(host, "/"),
                        TunnelLifecycleIT::noTunnel);
                long goneMillis = millisSince(stopped);
                System.out.printf("keepalive (5 s x 3): frozen client hung up on after %d ms, tunnel gone after "
                        + "%d ms%n", hungUpMillis, goneMillis);

                assertTrue(goneMillis < 30_000, "tunnel of a frozen client gone after " + goneMillis + " ms");
                // Three probes of 5 s go unanswered first: a client is not dropped for one slow answer.
                assertTrue(hungUpMillis >= 10_000, "dropped after only " + hungUpMillis + " ms");
            }
        }
    }

    // --- helpers ---

    /** Starts {@code ssh -R ... hello} and waits until hello lists every forward, i.e. the tunnels are up. */
    private static SshProcess holding(SshKeyPair key, String... options) throws Exception {
        SshProcess ssh = SshProcess.start(key, ENV, List.of(options), "hello");
        try {
            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(SSH_TIMEOUT));
            int forwards = (int) List.of(options).stream().filter("-R"::equals).count();
            assertEquals(forwards, hello.get("tunnels").keys().size(), hello.toJSONString(true) + ssh.describe());
            return ssh;
        } catch (Exception | AssertionError e) {
            ssh.close();
            throw e;
        }
    }

    /** A backend that answers every request with its label, so a test can tell which client's service answered. */
    private static Backend labelled(String label) throws IOException {
        byte[] body = label.getBytes(StandardCharsets.UTF_8);
        return Backend.start(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static void assertServedBy(String label, String host, SshProcess ssh) throws Exception {
        HttpResponse<String> response = Visitor.get(host, "/");
        assertEquals(200, response.statusCode(), response.body() + ssh.describe());
        assertEquals(label, response.body(), ssh.describe());
    }

    private static boolean noTunnel(HttpResponse<String> response) {
        return response.statusCode() == 502 && response.body().contains(NO_TUNNEL);
    }

    private static String host(String name, SshKeyPair key) {
        return ItServer.tunnelHost(name + "-" + key.clientId());
    }

    private static List<String> options(List<String> first, String... more) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(more)).toList();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean canConnect(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
