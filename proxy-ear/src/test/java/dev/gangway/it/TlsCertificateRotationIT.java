package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.ManagementApi;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.TlsClients;
import dev.gangway.it.support.Visitor;

/**
 * The operator's certificate rotation, without a restart (README: TLS): replace the key store file, then
 * {@code /subsystem=elytron/key-store=gangwayKS:load()} and {@code /subsystem=elytron/key-manager=gangwayKM:init()}
 * through the management API. (Once the server has started with a key store file: see the test.) A tunnel held over SSH-in-TLS stays up and serving, and the next HTTPS and
 * SSH-over-TLS handshakes both present the new certificate.
 */
@ExtendWith(ArquillianExtension.class)
class TlsCertificateRotationIT {

    private static final String[] KEY_STORE = {"subsystem", "elytron", "key-store", "gangwayKS"};
    private static final String[] KEY_MANAGER = {"subsystem", "elytron", "key-manager", "gangwayKM"};
    /** The password of the key store, the configuration's default ({@code gangway.tls.key-store-password}). */
    private static final String PASSWORD = "changeit";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void aRotatedCertificateIsPresentedToHttpsAndSshWhileATunnelStaysUp(@TempDir Path dir) throws Exception {
        Path keyStore = ItServer.serverDir().resolve("standalone/configuration/gangway-tls.p12");
        // The build gives the server its certificate (wildfly-config: self-signed-tls-certificate), so the key store
        // file exists at boot and the very first rotation must take effect with load + init alone, no reload.
        assertTrue(Files.exists(keyStore), "no key store file at " + keyStore);
        String before = TlsClients.handshake(ItServer.baseUrl().getHost(), "http/1.1").subject();
        Path original = Files.copy(keyStore, dir.resolve("original.p12"));
        Path rotated = newKeyStore(dir.resolve("rotated.p12"), "CN=rotated.gangway.test");

        try (Backend backend = Backend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("rotate", "", backend.port(),
                     TlsClients.openSslProxyCommand(ItServer.baseUrl().getHost(), true))) {
            assertEquals(200, Visitor.get(tunnel.host(), "/before").statusCode());

            Files.copy(rotated, keyStore, StandardCopyOption.REPLACE_EXISTING);
            reloadCertificate();

            assertEquals("CN=rotated.gangway.test",
                    TlsClients.handshake(ItServer.baseUrl().getHost(), "h2", "http/1.1").subject(), "HTTPS");
            TlsClients.Handshake ssh = TlsClients.handshake("any.example", "ssh");
            assertEquals("ssh", ssh.applicationProtocol());
            assertEquals("CN=rotated.gangway.test", ssh.subject(), "SSH over TLS");
            assertNotEquals(before, ssh.subject());

            // The tunnel made before the rotation lives on: its TLS session keeps its keys.
            assertTrue(tunnel.ssh().isAlive(), tunnel.ssh().describe());
            assertEquals("backend GET /after", Visitor.get(tunnel.host(), "/after").body());
            assertEquals(2, countRequests(backend));
        } finally {
            Files.copy(original, keyStore, StandardCopyOption.REPLACE_EXISTING);
            reloadCertificate();
        }
        assertEquals(before, TlsClients.handshake(ItServer.baseUrl().getHost()).subject());
    }

    /** The two management operations of a rotation, in this order: re-read the file, then rebuild the key manager. */
    private static void reloadCertificate() throws Exception {
        ManagementApi.result("load", KEY_STORE);
        ManagementApi.result("init", KEY_MANAGER);
    }

    private static Path newKeyStore(Path file, String subject) throws Exception {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", subject, "-validity", "2")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + output);
        return file;
    }

    private static int countRequests(Backend backend) throws InterruptedException {
        int n = 0;
        while (backend.awaitRequest(1, TimeUnit.SECONDS) != null) {
            n++;
        }
        return n;
    }
}
