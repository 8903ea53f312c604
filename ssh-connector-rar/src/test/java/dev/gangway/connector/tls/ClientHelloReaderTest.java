package dev.gangway.connector.tls;

import dev.gangway.connector.tls.HelloOutcome.NeedMore;
import dev.gangway.connector.tls.HelloOutcome.Parsed;
import dev.gangway.connector.tls.HelloOutcome.Reason;
import dev.gangway.connector.tls.HelloOutcome.Refused;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientHelloReaderTest {

    private final ClientHelloReader reader = new ClientHelloReader(TlsSettings.MAX_CLIENT_HELLO_BYTES);

    @Test
    void readsSniAndAlpnOfARealClientHello() throws Exception {
        byte[] hello = TestTls.clientHello("Tunnel.Example.com", List.of("h2", "http/1.1", "ssh"));
        assertEquals(new ClientHello(Optional.of("Tunnel.Example.com"), List.of("h2", "http/1.1", "ssh")), parsed(hello));
    }

    @Test
    void aHelloWithoutSniOrAlpnParsesToEmpty() throws Exception {
        assertEquals(new ClientHello(Optional.empty(), List.of()), parsed(TestTls.clientHello(null, List.of())));
    }

    @Test
    void everyProperPrefixNeedsMore() throws Exception {
        byte[] hello = TestTls.clientHello("a.example", List.of("ssh"));
        for (int n = 0; n < hello.length; n++) {
            assertInstanceOf(NeedMore.class, reader.read(ByteBuffer.wrap(hello, 0, n)), "prefix of " + n);
        }
        assertInstanceOf(Parsed.class, reader.read(ByteBuffer.wrap(hello)));
    }

    @Test
    void aHelloSplitOverManyRecordsIsReassembled() throws Exception {
        byte[] hello = TestTls.clientHello("split.example", List.of("ssh"));
        byte[] reframed = reframe(hello, 37);
        assertTrue(reframed.length > hello.length + 5 * 10, "several records");
        assertEquals(new ClientHello(Optional.of("split.example"), List.of("ssh")), parsed(reframed));
        for (int n = 0; n < reframed.length; n++) {
            assertInstanceOf(NeedMore.class, reader.read(ByteBuffer.wrap(reframed, 0, n)), "prefix of " + n);
        }
    }

    @Test
    void bytesAfterTheHelloAreNotItsConcern() throws Exception {
        byte[] hello = TestTls.clientHello("x.example", List.of("h2"));
        byte[] more = Arrays.copyOf(hello, hello.length + 6);
        more[hello.length] = 20; // a TLS 1.3 middlebox ChangeCipherSpec record starts here
        more[hello.length + 1] = 3;
        assertEquals(Optional.of("x.example"), parsed(more).serverName());
    }

    @Test
    void theBufferPositionIsHonouredAndLeftAlone() throws Exception {
        byte[] hello = TestTls.clientHello("pos.example", List.of());
        ByteBuffer buffer = ByteBuffer.allocate(hello.length + 3);
        buffer.put(new byte[3]).put(hello).flip().position(3);
        assertInstanceOf(Parsed.class, reader.read(buffer));
        assertEquals(3, buffer.position());
    }

    @Test
    void plainTextAndSshBannersAreNotTls() {
        assertEquals(Reason.NOT_TLS, refused("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Reason.NOT_TLS, refused("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Reason.NOT_TLS, refused(new byte[] {22, 2})); // handshake type but no TLS version
        assertEquals(Reason.NOT_TLS, refused(new byte[] {23}));     // application data first
    }

    @Test
    void sslVersion2HellosAreRefused() {
        // SSL 2.0 compatible CLIENT-HELLO: 2-byte header with the high bit set, then msg type 1.
        assertEquals(Reason.SSL2_HELLO, refused(new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01}));
        assertEquals(Reason.SSL2_HELLO, refused(new byte[] {(byte) 0x80}));
    }

    @Test
    void oversizeHellosAreRefusedEarly() {
        // A ClientHello that declares more than the bound, in its first record.
        byte[] declared = {22, 3, 1, 0, 4, 1, 0, (byte) 0x50, 0};
        assertEquals(Reason.TOO_LARGE, refused(declared));
        ClientHelloReader small = new ClientHelloReader(64);
        // Records that together run past the bound.
        byte[] records = {22, 3, 1, 0, 60, 1, 0, 0, 56};
        assertEquals(Reason.TOO_LARGE, ((Refused) small.read(ByteBuffer.wrap(records))).reason());
        assertEquals(Reason.TOO_LARGE, ((Refused) small.read(ByteBuffer.wrap(new byte[65]).put(0, (byte) 22)
                .put(1, (byte) 3))).reason());
    }

    @Test
    void malformedStructuresAreRefusedNotThrown() throws Exception {
        byte[] hello = TestTls.clientHello("m.example", List.of("ssh"));
        // A record of zero length.
        assertEquals(Reason.MALFORMED, refused(new byte[] {22, 3, 1, 0, 0}));
        // A record longer than TLS allows.
        assertEquals(Reason.MALFORMED, refused(new byte[] {22, 3, 1, 0x40, 1, 1}));
        // Not a ClientHello (a ServerHello).
        byte[] serverHello = hello.clone();
        serverHello[5] = 2;
        assertEquals(Reason.MALFORMED, refused(serverHello));
        // An alert record in the middle of a split hello.
        byte[] split = reframe(hello, 40);
        split[45] = 21;
        assertEquals(Reason.MALFORMED, refused(split));
        // The extensions block claiming more than the message holds.
        byte[] lying = hello.clone();
        int extensionsAt = extensionsOffset(hello);
        lying[extensionsAt] = (byte) 0xff;
        assertEquals(Reason.MALFORMED, refused(lying));
        // Odd cipher suite length.
        assertEquals(Reason.MALFORMED, refused(message(body(new byte[] {0, 3, 0, 1, 2}, new byte[] {1, 0}, null))));
        // No compression method.
        assertEquals(Reason.MALFORMED, refused(message(body(new byte[] {0, 2, 0x13, 1}, new byte[] {0}, null))));
    }

    @Test
    void duplicateAndEmptyExtensionsAreMalformed() {
        byte[] alpn = extension(16, new byte[] {0, 4, 3, 's', 's', 'h'});
        assertEquals(List.of("ssh"), parsedHello(extensions(alpn)).alpn());
        assertEquals(Reason.MALFORMED, refused(message(body(suites(), new byte[] {1, 0}, extensions(alpn, alpn)))));
        byte[] emptyAlpnList = extension(16, new byte[] {0, 0});
        assertEquals(Reason.MALFORMED, refused(message(body(suites(), new byte[] {1, 0}, extensions(emptyAlpnList)))));
        byte[] emptyName = extension(16, new byte[] {0, 1, 0});
        assertEquals(Reason.MALFORMED, refused(message(body(suites(), new byte[] {1, 0}, extensions(emptyName)))));
    }

    @Test
    void sniTakesTheFirstHostNameAndSkipsOtherTypes() {
        byte[] sni = extension(0, new byte[] {0, 13, 7, 0, 1, 'z', 0, 0, 6, 'a', '.', 'b', 'c', 'd', 'e'});
        assertEquals(Optional.of("a.bcde"), parsedHello(extensions(sni)).serverName());
        assertEquals(Optional.empty(), parsedHello(extensions(extension(0, new byte[0]))).serverName());
    }

    @Test
    void aHelloWithoutAnyExtensionsParses() {
        assertEquals(new ClientHello(Optional.empty(), List.of()),
                ((Parsed) reader.read(ByteBuffer.wrap(message(body(suites(), new byte[] {1, 0}, null))))).hello());
    }

    @Test
    void randomCorruptionNeverThrows() throws Exception {
        byte[] hello = TestTls.clientHello("fuzz.example", List.of("h2", "ssh"));
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = hello.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(mutated.length + 1);
            HelloOutcome outcome = reader.read(ByteBuffer.wrap(mutated, 0, length));
            assertTrue(outcome != null);
        }
    }

    // ---------------------------------------------------------------- helpers

    private ClientHello parsed(byte[] bytes) {
        return assertInstanceOf(Parsed.class, reader.read(ByteBuffer.wrap(bytes))).hello();
    }

    private ClientHello parsedHello(byte[] extensions) {
        return parsed(message(body(suites(), new byte[] {1, 0}, extensions)));
    }

    private Reason refused(byte[] bytes) {
        return assertInstanceOf(Refused.class, reader.read(ByteBuffer.wrap(bytes))).reason();
    }

    /** The same handshake bytes, in records of at most {@code size} payload bytes each. */
    private static byte[] reframe(byte[] hello, int size) {
        byte[] handshake = Arrays.copyOfRange(hello, 5, hello.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < handshake.length; at += size) {
            int n = Math.min(size, handshake.length - at);
            out.write(new byte[] {22, 3, 1, (byte) (n >> 8), (byte) n}, 0, 5);
            out.write(handshake, at, n);
        }
        return out.toByteArray();
    }

    private static int extensionsOffset(byte[] hello) {
        int at = 5 + 4 + 2 + 32;
        at += 1 + (hello[at] & 0xff);
        at += 2 + (((hello[at] & 0xff) << 8) | (hello[at + 1] & 0xff));
        at += 1 + (hello[at] & 0xff);
        return at;
    }

    private static byte[] suites() {
        return new byte[] {0, 2, 0x13, 1};
    }

    private static byte[] body(byte[] suites, byte[] compression, byte[] extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {3, 3}, 0, 2);
        out.write(new byte[32], 0, 32);
        out.write(0); // no session id
        out.write(suites, 0, suites.length);
        out.write(compression, 0, compression.length);
        if (extensions != null) {
            out.write(extensions, 0, extensions.length);
        }
        return out.toByteArray();
    }

    private static byte[] message(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = body.length + 4;
        out.write(new byte[] {22, 3, 1, (byte) (n >> 8), (byte) n, 1, 0, (byte) (body.length >> 8), (byte) body.length}, 0, 9);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    private static byte[] extension(int type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) (type >> 8), (byte) type, (byte) (data.length >> 8), (byte) data.length}, 0, 4);
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    private static byte[] extensions(byte[]... each) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] e : each) {
            all.write(e, 0, e.length);
        }
        byte[] joined = all.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) (joined.length >> 8), (byte) joined.length}, 0, 2);
        out.write(joined, 0, joined.length);
        return out.toByteArray();
    }
}
