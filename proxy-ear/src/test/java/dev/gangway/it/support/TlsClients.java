package dev.gangway.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS clients of the IT server's public TLS port ({@link ItServer#tlsPort()}), as Preevy's CLI and browsers are: they
 * choose the server name (SNI) and the offered application protocols (ALPN) that decide between SSH and HTTPS. They
 * trust whatever certificate the server shows (self-signed, or one a test rotated in) and report it instead, so a
 * test can check which one was presented.
 */
public final class TlsClients {

    /** What one handshake showed. */
    public record Handshake(X509Certificate certificate, String applicationProtocol, String protocol) {

        public String subject() {
            return certificate.getSubjectX500Principal().getName();
        }
    }

    private TlsClients() {
    }

    /** A context that accepts any server certificate and checks no host name: the tests look at the certificate. */
    public static SSLContext trustingAnyCertificate() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new X509ExtendedTrustManager[] {new AnyCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A TLS connection to the TLS port, handshake done.
     *
     * @param serverName the SNI to send, or {@code null} for none
     * @param alpn       the application protocols to offer, in order; none for no ALPN extension
     */
    public static SSLSocket connect(String serverName, String... alpn) throws IOException {
        SSLSocket socket = (SSLSocket) trustingAnyCertificate().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), ItServer.tlsPort());
        try {
            socket.setSoTimeout(15_000);
            socket.setSSLParameters(parameters(socket.getSSLParameters(), serverName, alpn));
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** One handshake on the TLS port, then close: which certificate and which application protocol the server chose. */
    public static Handshake handshake(String serverName, String... alpn) throws IOException {
        try (SSLSocket socket = connect(serverName, alpn)) {
            return new Handshake((X509Certificate) socket.getSession().getPeerCertificates()[0],
                    socket.getApplicationProtocol(), socket.getSession().getProtocol());
        }
    }

    /**
     * Makes sure the server has its certificate. The build makes it (wildfly-config), but should the file be missing,
     * WildFly makes a self-signed one in the first handshake (a new key pair: seconds on a busy machine, more than the
     * IT server's short handshake timeout, which bounds an SSH-over-TLS handshake); doing that here over HTTPS, where
     * that timeout covers only the ClientHello, keeps the tests about what they test.
     */
    public static void ensureCertificate() throws IOException {
        handshake(ItServer.baseUrl().getHost(), "http/1.1");
    }

    /**
     * The bytes of a real ClientHello with this SNI and ALPN, as the JDK's TLS client would send them first: for a test
     * that sends a valid hello and then stalls.
     */
    public static byte[] clientHello(String serverName, String... alpn) throws IOException {
        SSLEngine engine = trustingAnyCertificate().createSSLEngine(serverName, ItServer.tlsPort());
        engine.setUseClientMode(true);
        engine.setSSLParameters(parameters(engine.getSSLParameters(), serverName, alpn));
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
        if (result.bytesProduced() == 0) {
            throw new IOException("the TLS engine produced no ClientHello: " + result);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /**
     * ssh options that reach the server over TLS the way the README tells OpenSSH users to:
     * {@code ProxyCommand=openssl s_client -quiet [-alpn ssh] -servername <name> -connect 127.0.0.1:<tls port>}.
     */
    public static List<String> openSslProxyCommand(String serverName, boolean offerAlpnSsh) {
        return List.of("-o", "ProxyCommand=openssl s_client -quiet" + (offerAlpnSsh ? " -alpn ssh" : "")
                + " -servername " + serverName + " -connect 127.0.0.1:" + ItServer.tlsPort());
    }

    private static SSLParameters parameters(SSLParameters parameters, String serverName, String... alpn) {
        if (serverName != null) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (alpn.length > 0) {
            parameters.setApplicationProtocols(alpn);
        }
        return parameters;
    }

    /** Trusts everything; an {@link X509ExtendedTrustManager}, so the JDK adds no host name check of its own. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }
    }
}
