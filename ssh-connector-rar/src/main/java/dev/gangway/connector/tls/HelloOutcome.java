package dev.gangway.connector.tls;

/** What {@link ClientHelloReader} says about the bytes a connection has sent so far. */
public sealed interface HelloOutcome {

    /** The bytes so far are a consistent beginning of a ClientHello; read more. */
    record NeedMore() implements HelloOutcome {
    }

    /** The connection is not one the front door serves; close it. */
    record Refused(Reason reason, String detail) implements HelloOutcome {
    }

    /** A complete, well-formed ClientHello. */
    record Parsed(ClientHello hello) implements HelloOutcome {
    }

    enum Reason {
        /** The first bytes are not a TLS handshake record (plain HTTP, an SSH banner, random bytes). */
        NOT_TLS,
        /** An SSL 2.0 style hello: no modern client sends one, and it carries neither SNI nor ALPN. */
        SSL2_HELLO,
        /** The hello would exceed the front door's bound. */
        TOO_LARGE,
        /** A length or structure in the hello is inconsistent. */
        MALFORMED
    }

    HelloOutcome NEED_MORE = new NeedMore();
}
