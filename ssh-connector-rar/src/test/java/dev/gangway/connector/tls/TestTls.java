package dev.gangway.connector.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.Socket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** TLS material for the in-JVM tests: a self-signed PKCS12 key store made with the JDK's keytool. */
public final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private TestTls() {
    }

    /** A server SSL context over a fresh self-signed RSA certificate for {@code cn}. */
    public static SSLContext serverContext(Path dir, String cn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers(dir, cn), null, null);
        return context;
    }

    /**
     * As {@link #serverContext}, but choosing the key takes {@code delayMillis} each time: a key manager as slow as
     * Elytron's is when it makes its self-signed certificate on first use.
     */
    public static SSLContext slowServerContext(Path dir, String cn, long delayMillis) throws Exception {
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) keyManagers(dir, cn)[0];
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return keys.chooseEngineServerAlias(keyType, issuers, engine);
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return keys.getClientAliases(keyType, issuers);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return keys.chooseClientAlias(keyType, issuers, socket);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return keys.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return keys.chooseServerAlias(keyType, issuers, socket);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return keys.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return keys.getPrivateKey(alias);
            }
        }}, null, null);
        return context;
    }

    private static KeyManager[] keyManagers(Path dir, String cn) throws Exception {
        Path store = dir.resolve("tls-" + cn + "-" + System.nanoTime() + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=" + cn, "-ext", "SAN=dns:" + cn,
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD);
        return keys.getKeyManagers();
    }

    /** A client context that trusts any certificate (the tests check routing, not the PKI). */
    public static SSLContext trustingClient() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
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
        }}, null);
        return context;
    }

    /** The bytes of the ClientHello a JDK client sends with this SNI (null: none) and ALPN list. */
    public static byte[] clientHello(String sni, List<String> alpn) throws Exception {
        SSLEngine engine = sni == null ? trustingClient().createSSLEngine()
                : trustingClient().createSSLEngine(sni, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (sni != null) {
            parameters.setServerNames(List.of(new SNIHostName(sni)));
        }
        parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** Fixed sources for tests: one SSL context (replaceable, as a rotation would) and one backend address. */
    public static final class FixedSources implements TlsSources {
        private volatile SSLContext sslContext;
        private volatile InetSocketAddress backend;

        public FixedSources(SSLContext sslContext, InetSocketAddress backend) {
            this.sslContext = sslContext;
            this.backend = backend;
        }

        public void rotate(SSLContext replacement) {
            this.sslContext = replacement;
        }

        public void backend(InetSocketAddress address) {
            this.backend = address;
        }

        @Override
        public SSLContext sslContext() {
            return sslContext;
        }

        @Override
        public InetSocketAddress httpsBackend() {
            return backend;
        }
    }
}
