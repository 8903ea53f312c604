package dev.gangway.connector.tls;

/** What the front door reports for statistics: where each connection went, and the ones it dropped. */
public interface TlsEvents {

    /** A ClientHello was read and the connection sent on. */
    void routed(TlsRoute route);

    /** Dropped before it was routed, or in its SSH over TLS handshake: not TLS, malformed, oversize, stalled. */
    void refused();

    TlsEvents NONE = new TlsEvents() {
        @Override
        public void routed(TlsRoute route) {
        }

        @Override
        public void refused() {
        }
    };
}
