package dev.gangway.connector.tls;

import dev.gangway.connector.tls.HelloOutcome.Parsed;
import dev.gangway.connector.tls.HelloOutcome.Reason;
import dev.gangway.connector.tls.HelloOutcome.Refused;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the SNI and ALPN of a TLS ClientHello (RFC 8446 4.1.2, RFC 6066 3, RFC 7301 3.1) from the bytes a connection
 * has sent so far, without terminating TLS. Pure logic: it never throws on input, every outcome is a
 * {@link HelloOutcome}. The hello may be split over several handshake records (clients with large key shares or many
 * extensions do that); the whole of it is bounded by {@code maxBytes}, record headers included, so a client cannot
 * make the front door hold more.
 */
public final class ClientHelloReader {

    static final int RECORD_HEADER = 5;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int MAX_RECORD_PAYLOAD = 1 << 14; // RFC 8446 5.1: a plaintext fragment is at most 2^14
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;
    private static final int SNI_HOST_NAME = 0;

    private final int maxBytes;

    public ClientHelloReader(int maxBytes) {
        if (maxBytes < RECORD_HEADER + 4) {
            throw new IllegalArgumentException("maxBytes too small: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /**
     * @param soFar the connection's bytes from its first, between position and limit (not modified)
     */
    public HelloOutcome read(ByteBuffer soFar) {
        ByteBuffer in = soFar.slice();
        int available = in.remaining();
        if (available == 0) {
            return HelloOutcome.NEED_MORE;
        }
        int first = in.get(0) & 0xff;
        if ((first & 0x80) != 0) {
            return new Refused(Reason.SSL2_HELLO, "SSL 2.0 style record header");
        }
        if (first != CONTENT_HANDSHAKE) {
            return new Refused(Reason.NOT_TLS, "first byte 0x" + Integer.toHexString(first) + " is not a TLS handshake record");
        }
        if (available >= 2 && in.get(1) != 3) {
            return new Refused(Reason.NOT_TLS, "record version major " + (in.get(1) & 0xff) + " is not 3");
        }
        if (available > maxBytes) {
            return new Refused(Reason.TOO_LARGE, "more than " + maxBytes + " bytes before the hello ended");
        }

        // Gather the handshake bytes of the records received so far.
        ByteBuffer handshake = ByteBuffer.allocate(Math.min(available, maxBytes));
        int at = 0;
        while (at + RECORD_HEADER <= available) {
            int type = in.get(at) & 0xff;
            if (type != CONTENT_HANDSHAKE) {
                return new Refused(Reason.MALFORMED, "record of type " + type + " before the hello ended");
            }
            if (in.get(at + 1) != 3) {
                return new Refused(Reason.MALFORMED, "record version major " + (in.get(at + 1) & 0xff) + " is not 3");
            }
            int length = u16(in, at + 3);
            if (length == 0 || length > MAX_RECORD_PAYLOAD) {
                return new Refused(Reason.MALFORMED, "handshake record length " + length);
            }
            if (at + RECORD_HEADER + length > maxBytes) {
                return new Refused(Reason.TOO_LARGE, "hello records exceed " + maxBytes + " bytes");
            }
            int payload = Math.min(length, available - at - RECORD_HEADER);
            handshake.put(in.slice(at + RECORD_HEADER, payload));
            if (payload < length) {
                break;
            }
            at += RECORD_HEADER + length;
            HelloOutcome message = message(handshake.duplicate().flip());
            if (!(message instanceof HelloOutcome.NeedMore)) {
                return message;
            }
        }
        return message(handshake.flip());
    }

    /** The handshake message header, then the body once all of it is there. */
    private HelloOutcome message(ByteBuffer handshake) {
        if (handshake.remaining() < 4) {
            return HelloOutcome.NEED_MORE;
        }
        int type = handshake.get(0) & 0xff;
        if (type != HANDSHAKE_CLIENT_HELLO) {
            return new Refused(Reason.MALFORMED, "first handshake message is type " + type + ", not ClientHello");
        }
        int length = ((handshake.get(1) & 0xff) << 16) | u16(handshake, 2);
        if (length + 4 > maxBytes) {
            return new Refused(Reason.TOO_LARGE, "ClientHello of " + length + " bytes");
        }
        if (handshake.remaining() < 4 + length) {
            return HelloOutcome.NEED_MORE;
        }
        return body(handshake.slice(4, length));
    }

    private static HelloOutcome body(ByteBuffer body) {
        try {
            skip(body, 2 + 32); // legacy_version, random
            skip(body, u8(body)); // legacy_session_id
            int suites = u16(body);
            if (suites < 2 || suites % 2 != 0) {
                return new Refused(Reason.MALFORMED, "cipher_suites length " + suites);
            }
            skip(body, suites);
            int compressions = u8(body);
            if (compressions < 1) {
                return new Refused(Reason.MALFORMED, "no compression method");
            }
            skip(body, compressions);
            if (!body.hasRemaining()) {
                return new Parsed(new ClientHello(Optional.empty(), List.of())); // no extensions at all
            }
            ByteBuffer extensions = take(body, u16(body));
            if (body.hasRemaining()) {
                return new Refused(Reason.MALFORMED, body.remaining() + " bytes after the extensions");
            }
            return extensions(extensions);
        } catch (Truncated e) {
            return new Refused(Reason.MALFORMED, e.getMessage());
        }
    }

    private static HelloOutcome extensions(ByteBuffer extensions) throws Truncated {
        Optional<String> serverName = Optional.empty();
        List<String> alpn = List.of();
        Set<Integer> seen = new HashSet<>();
        while (extensions.hasRemaining()) {
            int type = u16(extensions);
            ByteBuffer data = take(extensions, u16(extensions));
            if (!seen.add(type)) {
                return new Refused(Reason.MALFORMED, "extension " + type + " sent twice"); // RFC 8446 4.2
            }
            if (type == EXT_SERVER_NAME) {
                serverName = serverName(data);
            } else if (type == EXT_ALPN) {
                alpn = protocols(data);
                if (alpn.isEmpty()) {
                    return new Refused(Reason.MALFORMED, "empty ALPN list");
                }
            }
        }
        return new Parsed(new ClientHello(serverName, alpn));
    }

    private static Optional<String> serverName(ByteBuffer data) throws Truncated {
        if (!data.hasRemaining()) {
            return Optional.empty(); // a server's empty echo; tolerated from a client
        }
        ByteBuffer list = take(data, u16(data));
        expectEnd(data, "server_name");
        Optional<String> hostName = Optional.empty();
        while (list.hasRemaining()) {
            int nameType = u8(list);
            ByteBuffer name = take(list, u16(list));
            if (nameType == SNI_HOST_NAME && hostName.isEmpty()) {
                if (!name.hasRemaining()) {
                    throw new Truncated("empty host_name");
                }
                hostName = Optional.of(StandardCharsets.US_ASCII.decode(name).toString());
            }
        }
        return hostName;
    }

    private static List<String> protocols(ByteBuffer data) throws Truncated {
        ByteBuffer list = take(data, u16(data));
        expectEnd(data, "ALPN");
        List<String> names = new ArrayList<>();
        while (list.hasRemaining()) {
            ByteBuffer name = take(list, u8(list));
            if (!name.hasRemaining()) {
                throw new Truncated("empty ALPN protocol name");
            }
            names.add(StandardCharsets.ISO_8859_1.decode(name).toString());
        }
        return names;
    }

    private static void expectEnd(ByteBuffer data, String what) throws Truncated {
        if (data.hasRemaining()) {
            throw new Truncated(data.remaining() + " bytes after the " + what + " list");
        }
    }

    private static int u8(ByteBuffer b) throws Truncated {
        need(b, 1);
        return b.get() & 0xff;
    }

    private static int u16(ByteBuffer b) throws Truncated {
        need(b, 2);
        return ((b.get() & 0xff) << 8) | (b.get() & 0xff);
    }

    private static int u16(ByteBuffer b, int at) {
        return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
    }

    private static void skip(ByteBuffer b, int n) throws Truncated {
        need(b, n);
        b.position(b.position() + n);
    }

    private static ByteBuffer take(ByteBuffer b, int n) throws Truncated {
        need(b, n);
        ByteBuffer part = b.slice(b.position(), n);
        b.position(b.position() + n);
        return part;
    }

    private static void need(ByteBuffer b, int n) throws Truncated {
        if (b.remaining() < n) {
            throw new Truncated("a length of " + n + " runs past its enclosing structure (" + b.remaining() + " left)");
        }
    }

    /** A length that runs past its container; caught inside this class and turned into a MALFORMED outcome. */
    private static final class Truncated extends Exception {
        Truncated(String message) {
            super(message, null, false, false);
        }
    }
}
