package dev.gangway.connector.peer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The peer port's mutual challenge-response (the lead's design for issue #5): each side proves it knows the cluster
 * secret by an HMAC-SHA256 over both sides' fresh nonces and its own node name, labelled with its role, so a proof is
 * good for one connection and one direction only and nothing seen on the wire can be replayed.
 *
 * <pre>
 * client: GANGWAY-PEER/1 &lt;clientNode&gt; &lt;clientNonce&gt;
 * server: &lt;serverNonce&gt; &lt;HMAC("server\n" + clientNonce + serverNonce + serverNode)&gt; &lt;serverNode&gt;
 * client: &lt;HMAC("client\n" + serverNonce + clientNonce + clientNode)&gt; &lt;OP&gt; &lt;args&gt;
 * server: OK [...] | ERR &lt;reason&gt; &lt;message&gt;
 * </pre>
 *
 * Nonces (32 bytes from {@link SecureRandom}) and proofs are standard base64 with padding; the MAC input is the
 * UTF-8 of the label followed by the two nonces as sent (fixed length, so the concatenation is unambiguous) and the
 * node name. Proofs are compared in constant time.
 */
public final class PeerHandshake {

    static final String GREETING = "GANGWAY-PEER/1";
    /** A handshake line longer than this (newline excluded) is refused: the peer port reads nothing unbounded. */
    public static final int MAX_LINE = 1024;
    private static final int NONCE_BYTES = 32;
    private static final int MAX_NODE_NAME = 255;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;

    /** @param secret the cluster secret; empty is refused, since every node could then be anyone */
    public PeerHandshake(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the cluster secret is empty");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    static String nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** What the server proves: it knows the secret, for this client's nonce, as {@code serverNode}. */
    String serverProof(String clientNonce, String serverNonce, String serverNode) {
        return mac("server\n" + clientNonce + serverNonce + serverNode);
    }

    /** What the client proves: it knows the secret, for this server's nonce, as {@code clientNode}. */
    String clientProof(String serverNonce, String clientNonce, String clientNode) {
        return mac("client\n" + serverNonce + clientNonce + clientNode);
    }

    /** Constant time: how much of a proof matched must not leak through the time a refusal takes. */
    static boolean same(String expected, String received) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                received.getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    static String helloLine(String clientNode, String clientNonce) {
        return GREETING + " " + clientNode + " " + clientNonce;
    }

    /** The client's first line: [node, nonce]. */
    static String[] parseHello(String line) throws PeerProtocolException {
        String[] fields = line.split(" ", -1);
        if (fields.length != 3 || !GREETING.equals(fields[0])) {
            throw new PeerProtocolException("not a Gangway peer greeting");
        }
        return new String[] {node(fields[1]), nonceField(fields[2])};
    }

    static String serverLine(String serverNonce, String proof, String serverNode) {
        return serverNonce + " " + proof + " " + serverNode;
    }

    /** The server's answer: [nonce, proof, node]. */
    static String[] parseServer(String line) throws PeerProtocolException {
        String[] fields = line.split(" ", -1);
        if (fields.length != 3) {
            throw new PeerProtocolException("not a Gangway peer answer");
        }
        return new String[] {nonceField(fields[0]), proofField(fields[1]), node(fields[2])};
    }

    static String clientLine(String proof, String operation) {
        return proof + " " + operation;
    }

    /** The client's second line: [proof, operation with its arguments]. */
    static String[] parseClient(String line) throws PeerProtocolException {
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new PeerProtocolException("no operation after the proof");
        }
        return new String[] {proofField(line.substring(0, space)), line.substring(space + 1)};
    }

    /** A node name as the handshake carries it: one token of printable characters. */
    static String node(String name) throws PeerProtocolException {
        if (name.isEmpty() || name.length() > MAX_NODE_NAME || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new PeerProtocolException("bad node name");
        }
        return name;
    }

    /** Whether {@code name} can be sent in a handshake; checked when the settings are read. */
    public static boolean validNodeName(String name) {
        try {
            node(name);
            return true;
        } catch (PeerProtocolException e) {
            return false;
        }
    }

    private static String nonceField(String field) throws PeerProtocolException {
        return decodes(field, NONCE_BYTES, "nonce");
    }

    private static String proofField(String field) throws PeerProtocolException {
        return decodes(field, 32, "proof");
    }

    private static String decodes(String field, int bytes, String what) throws PeerProtocolException {
        try {
            if (Base64.getDecoder().decode(field).length == bytes) {
                return field;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new PeerProtocolException("bad " + what);
    }
}
