package dev.gangway.proxy.http;

import java.util.List;

/**
 * How the service delimits a response body (RFC 9112 §6.3), decided once from the head.
 *
 * @param kind   the framing
 * @param length the body length for {@link Kind#FIXED}, else {@code -1}
 */
public record ResponseFraming(Kind kind, long length) {

    public enum Kind {
        /** No body: HEAD, 1xx, 204, 304. */
        NONE,
        /** Content-Length bytes. */
        FIXED,
        /** Chunked transfer coding, decoded by the proxy. */
        CHUNKED,
        /** Everything until the service closes: the connection cannot be reused. */
        UNTIL_CLOSE
    }

    public static ResponseFraming of(ResponseHead head, String requestMethod) throws MalformedResponseException {
        int status = head.status();
        if ("HEAD".equalsIgnoreCase(requestMethod) || status < 200 || status == 204 || status == 304) {
            return new ResponseFraming(Kind.NONE, -1);
        }
        List<String> transferEncodings = head.all("Transfer-Encoding");
        if (!transferEncodings.isEmpty()) {
            String last = transferEncodings.get(transferEncodings.size() - 1);
            String[] codings = last.split(",");
            boolean chunkedLast = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
            // Transfer-Encoding wins over Content-Length; a body not ending in chunked runs until close.
            return new ResponseFraming(chunkedLast ? Kind.CHUNKED : Kind.UNTIL_CLOSE, -1);
        }
        List<String> lengths = head.all("Content-Length");
        if (lengths.isEmpty()) {
            return new ResponseFraming(Kind.UNTIL_CLOSE, -1);
        }
        long length = -1;
        for (String value : lengths) {
            for (String part : value.split(",")) {
                long parsed = parseLength(part.trim());
                if (length >= 0 && parsed != length) {
                    throw new MalformedResponseException("conflicting Content-Length values");
                }
                length = parsed;
            }
        }
        return new ResponseFraming(Kind.FIXED, length);
    }

    private static long parseLength(String value) throws MalformedResponseException {
        if (value.isEmpty() || value.length() > 18) {
            throw new MalformedResponseException("invalid Content-Length");
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw new MalformedResponseException("invalid Content-Length");
            }
        }
        return Long.parseLong(value);
    }
}
