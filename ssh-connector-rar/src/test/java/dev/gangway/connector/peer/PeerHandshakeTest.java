package dev.gangway.connector.peer;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer handshake's proofs and lines: the pure logic behind the peer port's authentication. */
class PeerHandshakeTest {

    private final PeerHandshake handshake = new PeerHandshake("s3cret");

    @Test
    void proofsAreTheHmacOfTheDesignsInputs() throws Exception {
        String clientNonce = PeerHandshake.nonce();
        String serverNonce = PeerHandshake.nonce();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(("server\n" + clientNonce + serverNonce + "b")
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, handshake.serverProof(clientNonce, serverNonce, "b"));
        expected = Base64.getEncoder().encodeToString(mac.doFinal(("client\n" + serverNonce + clientNonce + "a")
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, handshake.clientProof(serverNonce, clientNonce, "a"));
    }

    @Test
    void aProofIsBoundToItsRoleNoncesNodeAndSecret() {
        String n1 = PeerHandshake.nonce();
        String n2 = PeerHandshake.nonce();
        String server = handshake.serverProof(n1, n2, "node");
        // The server's proof cannot be reflected back as a client's for the same nonces and name.
        assertNotEquals(server, handshake.clientProof(n1, n2, "node"));
        assertNotEquals(server, handshake.serverProof(n2, n1, "node"));
        assertNotEquals(server, handshake.serverProof(n1, PeerHandshake.nonce(), "node"));
        assertNotEquals(server, handshake.serverProof(n1, n2, "other"));
        assertNotEquals(server, new PeerHandshake("S3cret").serverProof(n1, n2, "node"));
        assertTrue(PeerHandshake.same(server, handshake.serverProof(n1, n2, "node")));
        assertFalse(PeerHandshake.same(server, server.substring(1) + "A"));
    }

    @Test
    void noncesAreFreshAndFullLength() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String nonce = PeerHandshake.nonce();
            assertEquals(32, Base64.getDecoder().decode(nonce).length);
            assertTrue(seen.add(nonce));
        }
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PeerHandshake(""));
    }

    @Test
    void linesRoundTripAndBadOnesAreRefused() throws Exception {
        String nonce = PeerHandshake.nonce();
        assertArrayEquals(new String[] {"node-1", nonce},
                PeerHandshake.parseHello(PeerHandshake.helloLine("node-1", nonce)));
        String proof = handshake.serverProof(nonce, nonce, "n");
        assertArrayEquals(new String[] {nonce, proof, "node-2"},
                PeerHandshake.parseServer(PeerHandshake.serverLine(nonce, proof, "node-2")));
        assertArrayEquals(new String[] {proof, "OPEN key"},
                PeerHandshake.parseClient(PeerHandshake.clientLine(proof, "OPEN key")));

        for (String bad : new String[] {"GET / HTTP/1.1", "GANGWAY-PEER/2 n " + nonce, "GANGWAY-PEER/1 n short",
                "GANGWAY-PEER/1  " + nonce, "GANGWAY-PEER/1 n " + nonce + " extra", ""}) {
            assertThrows(PeerProtocolException.class, () -> PeerHandshake.parseHello(bad), bad);
        }
        assertThrows(PeerProtocolException.class, () -> PeerHandshake.parseServer(nonce + " notaproof n"));
        assertThrows(PeerProtocolException.class, () -> PeerHandshake.parseClient(proof));
        assertThrows(PeerProtocolException.class, () -> PeerHandshake.parseClient("xx OPEN key"));
        assertFalse(PeerHandshake.validNodeName("has space"));
        assertFalse(PeerHandshake.validNodeName("x".repeat(256)));
        assertTrue(PeerHandshake.validNodeName("node-1.example:8080"));
    }

    @Test
    void operationsRoundTrip() throws Exception {
        Instant at = Instant.parse("2026-12-01T03:00:00.123Z");
        for (PeerOperation operation : new PeerOperation[] {PeerOperation.open("app-x"), PeerOperation.probe("app-x"),
                PeerOperation.disconnectKey("SHA256:abc", "key revoked by admin"),
                PeerOperation.disconnectOwner("sub-1", "left the company"),
                PeerOperation.yieldTo("app-x", "node-2", at)}) {
            assertEquals(operation, PeerOperation.parse(operation.line()));
        }
        assertEquals("DISCONNECT-KEY SHA256:abc two lines", PeerOperation.disconnectKey("SHA256:abc", "two\r\nlines").line());
        for (String bad : new String[] {"OPEN", "OPEN a b", "DELETE x", "YIELD k node", "YIELD k node yesterday", "PROBE "}) {
            assertThrows(PeerProtocolException.class, () -> PeerOperation.parse(bad), bad);
        }
    }

    @Test
    void peerAddressesFormatAndParse() {
        assertEquals("127.0.0.1:7700", PeerAddresses.format(new java.net.InetSocketAddress("127.0.0.1", 7700)));
        assertEquals("[0:0:0:0:0:0:0:1]:7700", PeerAddresses.format(new java.net.InetSocketAddress("::1", 7700)));
        assertEquals("::1", PeerAddresses.parse("[::1]:7700").getHostString());
        assertEquals(7700, PeerAddresses.parse("node.example:7700").getPort());
        for (String bad : new String[] {"node", ":7700", "node:", "node:http", "node:70000"}) {
            assertThrows(IllegalArgumentException.class, () -> PeerAddresses.parse(bad), bad);
        }
    }
}
