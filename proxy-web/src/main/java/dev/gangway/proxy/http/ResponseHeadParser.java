package dev.gangway.proxy.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a response head incrementally, from whatever pieces the tunnel delivers, up to a size limit. Consumes
 * bytes only up to the end of the head, so whatever follows in the buffer is body.
 *
 * <p>Strict where leniency would be a smuggling risk (obsolete line folding, spaces before the colon, bad
 * tokens); lenient with a bare LF line end, which old services still send.
 */
public final class ResponseHeadParser {

    /** Default limit on one response head, status line and headers together. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 64 * 1024;

    private final int maxHeadBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private int headBytes;
    private String statusLine;
    private final List<HeaderField> headers = new ArrayList<>();

    public ResponseHeadParser(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
    }

    /** Whether any byte of a head has been consumed since the last complete head. */
    public boolean started() {
        return headBytes > 0;
    }

    /**
     * Consumes bytes from {@code in} until a head is complete.
     *
     * @return the head, or {@code null} if {@code in} ran out first (feed more)
     */
    public ResponseHead parse(ByteBuffer in) throws MalformedResponseException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (++headBytes > maxHeadBytes) {
                throw new MalformedResponseException("response head larger than " + maxHeadBytes + " bytes");
            }
            if (b != '\n') {
                append(b);
                continue;
            }
            int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
            lineLength = 0;
            if (statusLine == null) {
                statusLine = text;
            } else if (text.isEmpty()) {
                return complete();
            } else {
                headers.add(headerField(text));
            }
        }
        return null;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            line = java.util.Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private ResponseHead complete() throws MalformedResponseException {
        String status = statusLine;
        List<HeaderField> fields = List.copyOf(headers);
        statusLine = null;
        headers.clear();
        headBytes = 0;
        // HTTP/1.x SP 3DIGIT SP reason; the reason and its space are tolerated missing.
        if (status.length() < 12 || !status.startsWith("HTTP/1.") || status.charAt(8) != ' '
                || (status.length() > 12 && status.charAt(12) != ' ')) {
            throw new MalformedResponseException("invalid status line");
        }
        char minor = status.charAt(7);
        if (minor < '0' || minor > '9') {
            throw new MalformedResponseException("invalid HTTP version");
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedResponseException("invalid status code");
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100) {
            throw new MalformedResponseException("invalid status code");
        }
        String reason = status.length() > 13 ? status.substring(13) : "";
        return new ResponseHead(minor - '0', code, reason, fields);
    }

    private static HeaderField headerField(String text) throws MalformedResponseException {
        if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
            throw new MalformedResponseException("obsolete header line folding");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new MalformedResponseException("header line without a name");
        }
        String name = text.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new MalformedResponseException("invalid header name");
            }
        }
        return new HeaderField(name, text.substring(colon + 1).strip());
    }

    private static boolean isTokenChar(char c) {
        return c > ' ' && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
