package dev.gangway.connector.ssh;

import dev.gangway.connector.tls.TestTls;
import dev.gangway.connector.tls.TlsEvents;
import dev.gangway.connector.tls.TlsFrontDoor;
import dev.gangway.connector.tls.TlsSettings;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SNIHostName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SSH over TLS end to end in the JVM: the real OpenSSH client behind {@code openssl s_client} (as PROTOCOL.md tells
 * users to run it) and a JDK TLS client as Preevy's CLI connects, through the front door, into the SSH server
 * in-process; tunnels register and carry streams, megabytes included.
 */
class SshOverTlsTest {

    private static final Path SSH = Path.of("/usr/bin/ssh");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    static Path keys;

    private static SSLContext serverContext;

    @TempDir
    Path dir;

    private SshTunnelServer server;
    private TlsFrontDoor frontDoor;
    private TestTls.FixedSources sources;
    private Path identity;
    private String clientId;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        serverContext = TestTls.serverContext(keys, "gw.test");
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(SSH) && Files.isExecutable(OPENSSL), "OpenSSH or OpenSSL not installed");
        identity = dir.resolve("id_ed25519");
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", identity.toString())
                .redirectErrorStream(true).start().waitFor());
        String blob = Files.readString(Path.of(identity + ".pub")).trim().split("\\s+")[1];
        clientId = ClientIds.fromKeyBlob(Base64.getDecoder().decode(blob));
        server = TestSsh.start(TestSsh.settings(dir, AuthMode.OPEN, null));
        sources = new TestTls.FixedSources(serverContext, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        frontDoor = new TlsFrontDoor(new TlsSettings("127.0.0.1", 0, "testSSC", "test-https",
                List.of("ssh.gw.test"), Duration.ofSeconds(5)), sources, server::adopt, TlsEvents.NONE);
        frontDoor.start();
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        if (frontDoor != null) {
            frontDoor.stop();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void opensshWithAlpnSshOpensATunnelThatCarriesStreams() throws Exception {
        assertTunnelWorks("-alpn ssh -servername gw.test", "alpn");
    }

    @Test
    void opensshWithoutAlpnButAnSshHostNameIsSshToo() throws Exception {
        assertTunnelWorks("-servername SSH.gw.test", "sni");
    }

    @Test
    void aJavaClientOfferingAlpnSshWithAnyNameReachesTheSshServer() throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), frontDoor.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("whatever.example")));
            parameters.setApplicationProtocols(new String[] {"ssh"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertEquals("ssh", socket.getApplicationProtocol());
            String banner = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertTrue(banner.startsWith("SSH-2.0-"), banner);
        }
    }

    @Test
    void aRotatedCertificateServesTheNextConnection() throws Exception {
        SSLContext rotated = TestTls.serverContext(dir, "rotated.gw.test");
        sources.rotate(rotated);
        try (SSLSocket socket = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), frontDoor.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"ssh"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertEquals("CN=rotated.gw.test", ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName());
        }
    }

    @Test
    void megabytesFlowBothWaysThroughATunnelOverTls() throws Exception {
        long total = 6L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (Backends.Backend source = Backends.source(total, written)) {
            Process ssh = ssh("-alpn ssh -servername gw.test", "-R", "/bulk:127.0.0.1:" + source.port(), "hello");
            firstLine(ssh);
            TunnelStream stream = server.registry().find(TunnelKeys.key("bulk", clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            assertSourcePattern(stream, total);
        }
        try (Backends.Backend echo = Backends.echo()) {
            Process ssh = ssh("-alpn ssh -servername gw.test", "-R", "/echo:127.0.0.1:" + echo.port(), "hello");
            firstLine(ssh);
            TunnelStream stream = server.registry().find(TunnelKeys.key("echo", clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            byte[] upload = new byte[3 * 1024 * 1024];
            new java.util.Random(7).nextBytes(upload);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    for (int at = 0; at < upload.length; at += 65536) {
                        StreamIo.writeAll(stream, ByteBuffer.wrap(upload, at, Math.min(65536, upload.length - at)));
                    }
                    stream.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            MessageDigest back = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
            long count = 0;
            for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
                back.update(buffer.array(), 0, n);
                count += n;
            }
            sent.get(30, TimeUnit.SECONDS);
            stream.close();
            assertEquals(upload.length, count);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload)),
                    HexFormat.of().formatHex(back.digest()));
        }
    }

    /**
     * TLS 1.3 post-handshake messages: a JDK client between OpenSSH and the front door sends a KeyUpdate (asking for
     * one back) every few milliseconds while megabytes flow; the server must take each and answer, and the stream
     * stays intact.
     */
    @Test
    void keyUpdatesMidTransferLeaveTheStreamIntact() throws Exception {
        long total = 4L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        AtomicLong keyUpdates = new AtomicLong();
        try (Backends.Backend source = Backends.source(total, written);
             java.net.ServerSocket bridge = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread bridging = new Thread(() -> bridgeOnce(bridge, keyUpdates), "test-tls-bridge");
            bridging.setDaemon(true);
            bridging.start();
            Process ssh = sshDirect(bridge.getLocalPort(), "-R", "/rekeyed:127.0.0.1:" + source.port(), "hello");
            firstLine(ssh);
            TunnelStream stream = server.registry().find(TunnelKeys.key("rekeyed", clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            assertSourcePattern(stream, total);
            assertTrue(keyUpdates.get() >= 3, "only " + keyUpdates.get() + " key updates were sent");
            assertTrue(ssh.isAlive(), "the SSH session survived the key updates");
        }
    }

    /** Reads the stream to its end and checks it carried exactly {@code total} bytes of the source backend's pattern. */
    private static void assertSourcePattern(TunnelStream stream, long total) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
        long received = 0;
        boolean intact = true;
        for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
            for (int i = 0; i < n; i++) {
                intact &= buffer.get(i) == (byte) ((received + i) % 251);
            }
            received += n;
        }
        stream.close();
        assertEquals(total, received);
        assertTrue(intact, "bytes arrived altered or out of order");
    }

    /** Plain TCP from OpenSSH in, TLS 1.3 with ALPN ssh out, KeyUpdates sent while bytes flow. */
    private void bridgeOnce(java.net.ServerSocket bridge, AtomicLong keyUpdates) {
        try (java.net.Socket plain = bridge.accept();
             SSLSocket tls = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                     .createSocket(InetAddress.getLoopbackAddress(), frontDoor.port())) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"ssh"});
            parameters.setProtocols(new String[] {"TLSv1.3"});
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            Thread up = new Thread(() -> pipe(plain, tls), "test-bridge-up");
            up.setDaemon(true);
            up.start();
            Thread rekey = keyUpdates == null ? null : new Thread(() -> {
                while (!tls.isClosed()) {
                    try {
                        Thread.sleep(20);
                        tls.startHandshake(); // on an established TLS 1.3 connection: a KeyUpdate
                        keyUpdates.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "test-bridge-rekey");
            if (rekey != null) {
                rekey.setDaemon(true);
                rekey.start();
            }
            pipe(tls, plain);
            up.join(5000);
        } catch (Exception e) {
            // the test's assertions say what went wrong
        }
    }

    private static void pipe(java.net.Socket from, java.net.Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            if (to instanceof SSLSocket) {
                to.close();
            } else {
                to.shutdownOutput();
            }
        } catch (Exception e) {
            // one side went away: the other pipe ends too
        }
    }

    /** Not an assertion: the figures for the report, SSH over TLS next to plain SSH, same server, same client. */
    @Test
    void throughputFigures() throws Exception {
        long total = Long.getLong("test.tls.throughput.bytes", 16L * 1024 * 1024);
        double[] tls = megabytesPerSecond(total, "-alpn ssh -servername gw.test", "tls");
        double[] plain = megabytesPerSecond(total, null, "plain");
        double[] bridged;
        try (java.net.ServerSocket bridge = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread bridging = new Thread(() -> bridgeOnce(bridge, null), "test-tls-bridge");
            bridging.setDaemon(true);
            bridging.start();
            bridged = megabytesPerSecond(total, "bridge:" + bridge.getLocalPort(), "bridged");
        }
        System.out.printf("through a tunnel, %d MiB, download / upload MB/s: SSH over TLS via openssl s_client "
                        + "%.0f / %.0f, via a JDK TLS client %.0f / %.0f; plain SSH %.0f / %.0f%n", total >> 20,
                tls[0], tls[1], bridged[0], bridged[1], plain[0], plain[1]);
    }

    /** Download (service to server) then upload (server to service) through one tunnel; MB/s of each. */
    private double[] megabytesPerSecond(long total, String openSslOptions, String name) throws Exception {
        AtomicLong uploaded = new AtomicLong();
        CompletableFuture<Void> uploadDone = new CompletableFuture<>();
        AtomicInteger connections = new AtomicInteger();
        try (Backends.Backend source = new Backends.Backend(socket -> {
            if (connections.getAndIncrement() == 0) {
                byte[] chunk = new byte[64 * 1024];
                for (long sent = 0; sent < total; sent += chunk.length) {
                    socket.getOutputStream().write(chunk, 0, (int) Math.min(chunk.length, total - sent));
                }
                socket.shutdownOutput();
            } else {
                uploaded.set(socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()));
                uploadDone.complete(null);
            }
        })) {
            String[] args = {"-c", "aes128-gcm@openssh.com", "-R", "/" + name + ":127.0.0.1:" + source.port(), "hello"};
            Process ssh = openSslOptions == null
                    ? openssh(List.of("-p", Integer.toString(server.port())), "127.0.0.1", args)
                    : openSslOptions.startsWith("bridge:")
                    ? openssh(List.of("-p", openSslOptions.substring(7)), "127.0.0.1", args)
                    : ssh(openSslOptions, args);
            firstLine(ssh);
            TunnelStream stream = server.registry().find(TunnelKeys.key(name, clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long started = System.nanoTime();
            long received = 0;
            for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
                received += n;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            stream.close();
            assertEquals(total, received);

            TunnelStream up = server.registry().find(TunnelKeys.key(name, clientId)).orElseThrow()
                    .openStream(TestSsh.TIMEOUT);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long upStarted = System.nanoTime();
            for (long sent = 0; sent < total; sent += chunk.capacity()) {
                StreamIo.writeAll(up, chunk.clear());
            }
            up.shutdownOutput();
            uploadDone.get(60, TimeUnit.SECONDS);
            double upSeconds = (System.nanoTime() - upStarted) / 1e9;
            up.close();
            ssh.destroy();
            assertEquals(total, uploaded.get());
            return new double[] {received / seconds / 1e6, total / upSeconds / 1e6};
        }
    }

    private void assertTunnelWorks(String openSslOptions, String name) throws Exception {
        try (Backends.Backend echo = Backends.echo()) {
            Process ssh = ssh(openSslOptions, "-o", "ServerAliveInterval=1", "-R", "/" + name + ":127.0.0.1:" + echo.port(),
                    "hello");
            JsonObject hello = Json.createReader(new StringReader(firstLine(ssh))).readObject();
            assertEquals(clientId, hello.getString("clientId"));
            String key = TunnelKeys.key(name, clientId);
            TunnelStream stream = server.registry().find(key).orElseThrow().openStream(TestSsh.TIMEOUT);
            StreamIo.writeAll(stream, ByteBuffer.wrap("ping over tls\n".getBytes(StandardCharsets.UTF_8)));
            stream.shutdownOutput();
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            StringBuilder echoed = new StringBuilder();
            for (int n; (n = StreamIo.read(stream, buffer.clear())) >= 0; ) {
                echoed.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            }
            stream.close();
            assertEquals("ping over tls\n", echoed.toString());
            // Keepalives go back and forth through the TLS channel; the session stays.
            Thread.sleep(2500);
            assertTrue(ssh.isAlive(), "ssh exited");
            ssh.destroy();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!server.registry().all().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(server.registry().all().isEmpty(), "tunnel still registered after the client left");
        }
    }

    private String firstLine(Process ssh) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(20, TimeUnit.SECONDS);
        if (line == null) {
            ssh.destroy();
            ssh.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("ssh printed nothing: " + Files.readString(dir.resolve("ssh-" + ssh.pid() + ".err")));
        }
        return line;
    }

    /** OpenSSH through {@code openssl s_client}, exactly as PROTOCOL.md documents for users. */
    private Process ssh(String openSslOptions, String... args) throws Exception {
        String proxy = "openssl s_client -quiet " + openSslOptions + " -connect 127.0.0.1:" + frontDoor.port();
        return openssh(List.of("-o", "ProxyCommand=" + proxy), "gw.test", args);
    }

    /** OpenSSH straight to a port (the test's TLS bridge). */
    private Process sshDirect(int port, String... args) throws Exception {
        return openssh(List.of("-p", Integer.toString(port)), "127.0.0.1", args);
    }

    private Process openssh(List<String> how, String host, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SSH.toString(), "-F", "/dev/null", "-i", identity.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "LogLevel=" + System.getProperty("test.ssh.loglevel", "ERROR"), "-o", "ExitOnForwardFailure=yes",
                "-l", "env1"));
        command.addAll(how);
        List<String> rest = new ArrayList<>(List.of(args));
        command.addAll(rest.subList(0, rest.size() - 1));
        command.add(host);
        command.add(rest.get(rest.size() - 1));
        Path errors = dir.resolve("ssh-errors.tmp");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectError(errors.toFile()).start();
        Files.move(errors, dir.resolve("ssh-" + process.pid() + ".err"));
        processes.add(process);
        return process;
    }
}
