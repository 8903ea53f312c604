package dev.gangway.proxy.http;

import java.util.List;

/**
 * A parsed response head from the service.
 *
 * @param minorVersion the {@code x} of {@code HTTP/1.x}
 * @param status       the status code
 * @param reason       the reason phrase, possibly empty
 * @param headers      the header fields in order
 */
public record ResponseHead(int minorVersion, int status, String reason, List<HeaderField> headers) {

    public ResponseHead {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, or {@code null}. */
    public String first(String name) {
        for (HeaderField field : headers) {
            if (field.is(name)) {
                return field.value();
            }
        }
        return null;
    }

    /** Every value of a header, in order. */
    public List<String> all(String name) {
        return headers.stream().filter(f -> f.is(name)).map(HeaderField::value).toList();
    }

    /** An interim (1xx) response other than 101 Switching Protocols: skipped, the final response follows. */
    public boolean isInterim() {
        return status >= 100 && status < 200 && status != 101;
    }

    /** Whether the service keeps its connection open after this response (RFC 9112 §9.3). */
    public boolean keepsAlive() {
        var tokens = HopByHop.connectionTokens(headers);
        if (tokens.contains("close")) {
            return false;
        }
        return minorVersion >= 1 || tokens.contains("keep-alive");
    }
}
