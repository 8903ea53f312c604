package dev.gangway.proxy.http;

/** The service behind a tunnel sent something that is not a valid HTTP/1.1 response; the visitor gets a 502. */
public class MalformedResponseException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message) {
        super(message);
    }
}
