package dev.gangway.proxy.http;

/** How the request body travels to the service. */
public enum RequestBodyFraming {
    /** No body: neither Content-Length nor Transfer-Encoding was sent. */
    NONE,
    /** The visitor's Content-Length is kept and the bytes pass as they are. */
    FIXED,
    /** The visitor's body had no length (Undertow decoded its chunks): it is chunked again for the service. */
    CHUNKED;

    /** From the visitor's headers, as Undertow accepted them (it has already rejected conflicting framing). */
    public static RequestBodyFraming of(String transferEncoding, String contentLength) {
        if (transferEncoding != null) {
            return CHUNKED;
        }
        if (contentLength != null) {
            return FIXED;
        }
        return NONE;
    }
}
