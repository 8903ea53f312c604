package dev.gangway.proxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 made by the JDK's own keytool, once per test JVM: the server side of an
 * in-JVM HTTPS listener, and a client context that trusts exactly that certificate (so hostname checks stay on).
 */
final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static KeyStore keyStore;

    private TestTls() {
    }

    static SSLContext server() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLContext client() {
        try {
            // The JDK's trust manager takes the certificate of a key entry as trusted.
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized KeyStore keyStore() {
        if (keyStore == null) {
            try {
                Path dir = Files.createTempDirectory("gangway-tls");
                Path file = dir.resolve("server.p12");
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-keystore", file.toString(), "-storetype", "PKCS12",
                        "-storepass", new String(PASSWORD), "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1",
                        "-ext", "SAN=ip:127.0.0.1", "-validity", "2")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
                if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
                }
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, PASSWORD);
                }
                keyStore = store;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return keyStore;
    }
}
