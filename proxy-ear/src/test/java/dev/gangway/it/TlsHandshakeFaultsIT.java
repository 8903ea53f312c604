package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ServerGauges;
import dev.gangway.it.support.TlsClients;

/**
 * What the public TLS port does with clients that are not what they should be: plain HTTP or other non-TLS bytes, a
 * malformed ClientHello, and clients that stall before or inside the handshake. Each is dropped within the handshake
 * timeout (the IT server's is {@link ItServer#tlsHandshakeTimeout()}) plus a margin for a busy machine, without a
 * byte of the web tier's or the SSH server's answering it; many stalled clients at once hold no thread each; and
 * afterwards the server's gauges and threads are back where they were.
 */
@ExtendWith(ArquillianExtension.class)
class TlsHandshakeFaultsIT {

    /** Scheduling slack on a 2-core machine shared with the build. */
    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final int STALLED_CLIENTS = 40;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void certificateMade() throws Exception {
        // So that no stalled SSH-over-TLS handshake below is the one that waits for the certificate to be made.
        TlsClients.ensureCertificate();
    }

    /** How a connection ended: after how long, and what the server sent before closing it. */
    private record Ending(Duration after, byte[] received) {
        String text() {
            return new String(received, StandardCharsets.ISO_8859_1);
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), ItServer.tlsPort());
        socket.setSoTimeout((int) ItServer.tlsHandshakeTimeout().plus(MARGIN).plusSeconds(5).toMillis());
        return socket;
    }

    /** Reads until the server closes the connection (EOF or reset); fails if it is still open after the bound. */
    private static Ending awaitClosedByServer(Socket socket, long startNanos) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server left the connection open for "
                    + Duration.ofNanos(System.nanoTime() - startNanos));
        } catch (IOException reset) {
            // a reset is a close too
        }
        return new Ending(Duration.ofNanos(System.nanoTime() - startNanos), received.toByteArray());
    }

    private static void assertWithinTimeout(Ending ending, String what) {
        Duration bound = ItServer.tlsHandshakeTimeout().plus(MARGIN);
        assertTrue(ending.after().compareTo(bound) <= 0, what + " was closed only after " + ending.after()
                + ", bound " + bound);
    }

    /** Sends {@code bytes}, then nothing more, and waits for the server to close. */
    private static Ending sendAndWait(byte[] bytes) throws IOException {
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return awaitClosedByServer(socket, start);
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsDroppedUnanswered() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        Ending ending = sendAndWait(("GET /healthz HTTP/1.1\r\nHost: " + ItServer.baseUrl().getHost()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertWithinTimeout(ending, "plain HTTP");
        assertFalse(ending.text().contains("HTTP/1."), "the web tier answered: " + ending.text());
        ServerGauges.awaitBaseline(baseline);
    }

    @Test
    void anSshBannerOnTheTlsPortIsDroppedUnanswered() throws Exception {
        Ending ending = sendAndWait("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
        assertWithinTimeout(ending, "a plain SSH client");
        assertFalse(ending.text().contains("SSH-2.0"), "the SSH server answered: " + ending.text());
    }

    @Test
    void aGarbageHandshakeRecordIsDropped() throws Exception {
        // A TLS handshake record header announcing 295 bytes, then noise where the ClientHello should be.
        byte[] record = new byte[300];
        new Random(6).nextBytes(record);
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x01;
        record[3] = (byte) ((record.length - 5) >> 8);
        record[4] = (byte) (record.length - 5);
        assertWithinTimeout(sendAndWait(record), "a garbage ClientHello");
        // A record far larger than any ClientHello: refused, not buffered.
        assertWithinTimeout(sendAndWait(new byte[] {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff, 0x01}),
                "an oversized handshake record");
    }

    @Test
    void clientsThatStallBeforeOrInsideTheHandshakeAreDroppedInTime() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        // Silent from the start.
        Ending silent = sendAndWait(new byte[0]);
        assertWithinTimeout(silent, "a silent client");
        assertTrue(silent.after().compareTo(ItServer.tlsHandshakeTimeout().minusMillis(500)) >= 0,
                "a silent client was dropped before its time was up: " + silent.after());
        // Half a ClientHello.
        byte[] hello = TlsClients.clientHello(ItServer.baseUrl().getHost(), "ssh");
        assertWithinTimeout(sendAndWait(Arrays.copyOf(hello, hello.length / 2)), "half a ClientHello");
        // A whole ClientHello offering ALPN ssh, then nothing: the server's own TLS handshake for SSH stalls.
        Ending sshHandshake = sendAndWait(hello);
        assertWithinTimeout(sshHandshake, "a stalled SSH-over-TLS handshake");
        assertTrue(sshHandshake.received().length > 0 && sshHandshake.received()[0] == 0x16,
                "the server did not answer the ClientHello with its own handshake");
        ServerGauges.awaitBaseline(baseline);
    }

    @Test
    void manyStalledClientsHoldNoThreadEachAndLeaveNothingBehind() throws Exception {
        ServerGauges.Snapshot baseline = ServerGauges.read();
        byte[] hello = TlsClients.clientHello("stall.example", "ssh");
        List<Socket> stalled = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < STALLED_CLIENTS; i++) {
                Socket socket = connect();
                stalled.add(socket);
                // Half of them silent, half stalled inside the SSH-over-TLS handshake.
                if (i % 2 == 1) {
                    socket.getOutputStream().write(hello);
                    socket.getOutputStream().flush();
                }
            }
            ServerGauges.Snapshot during = ServerGauges.read();
            assertTrue(during.liveThreads() < baseline.liveThreads() + STALLED_CLIENTS / 4,
                    STALLED_CLIENTS + " stalled clients took threads: " + baseline.liveThreads() + " -> "
                            + during.liveThreads() + "\n" + ServerGauges.threadNames());
            for (Socket socket : stalled) {
                assertWithinTimeout(awaitClosedByServer(socket, start), "one of " + STALLED_CLIENTS
                        + " stalled clients");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        ServerGauges.awaitBaseline(baseline);
    }
}
