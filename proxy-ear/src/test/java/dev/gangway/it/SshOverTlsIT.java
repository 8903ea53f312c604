package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.CurlRun;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.TlsBridge;
import dev.gangway.it.support.TlsClients;
import dev.gangway.it.support.Visitor;

/**
 * SSH inside TLS on the public TLS port, as issue #6 asks it to be shown: a stock OpenSSH client through
 * {@code openssl s_client} offering ALPN {@code ssh}, the same without ALPN but with a server name from the configured
 * SSH host names, and a Java TLS client offering ALPN {@code ssh} with an arbitrary server name (as Preevy's CLI
 * does); each opens a tunnel that serves visitors over plain HTTP and over HTTPS on the same TLS port. A server
 * name outside the list, without ALPN {@code ssh}, is HTTPS, so an SSH client gets nowhere with it.
 */
@ExtendWith(ArquillianExtension.class)
class SshOverTlsIT {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void certificateMade() throws Exception {
        TlsClients.ensureCertificate();
    }

    @Test
    void openSshThroughOpenSslWithAlpnSshOpensATunnel() throws Exception {
        try (Backend backend = Backend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("alpn", "", backend.port(),
                     TlsClients.openSslProxyCommand(ItServer.baseUrl().getHost(), true))) {
            assertTunnelServes(tunnel, backend);
        }
    }

    @Test
    void openSshThroughOpenSslWithAConfiguredServerNameOpensATunnel() throws Exception {
        try (Backend backend = Backend.start();
             OpenSshTunnel tunnel = OpenSshTunnel.open("sni", "", backend.port(),
                     TlsClients.openSslProxyCommand(ItServer.tlsSshHostname(), false))) {
            assertTunnelServes(tunnel, backend);
        }
    }

    @Test
    void aJavaClientOfferingAlpnSshWithAnyServerNameOpensATunnel() throws Exception {
        try (Backend backend = Backend.start();
             TlsBridge bridge = new TlsBridge("anything.preevy.example", "ssh");
             OpenSshTunnel tunnel = OpenSshTunnel.open("java", "", backend.port(), bridge.sshOptions())) {
            assertTunnelServes(tunnel, backend);
        }
        // What the bridge's handshakes saw: the server chose "ssh" by ALPN, whatever the name.
        assertEquals("ssh", TlsClients.handshake("anything.preevy.example", "ssh").applicationProtocol());
    }

    @Test
    void anotherServerNameWithoutAlpnSshIsHttpsNotSsh() throws Exception {
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            SshRun.Result run = SshRun.run(key, "https-env",
                    TlsClients.openSslProxyCommand(ItServer.baseUrl().getHost(), false), SSH_TIMEOUT, "hello");
            assertNotEquals(0, run.exitStatus(), "ssh got through to the SSH server" + run.describe());
            assertTrue(run.stdout().isEmpty(), run.describe());
        }
        // The same name over HTTPS reaches the web tier: the base host's health probe.
        CurlRun.Result health = CurlRun.run("--insecure", "--resolve",
                ItServer.baseUrl().getHost() + ":" + ItServer.tlsPort() + ":127.0.0.1",
                "https://" + ItServer.baseUrl().getHost() + ":" + ItServer.tlsPort() + "/healthz");
        assertEquals(0, health.exitStatus(), health.describe());
        assertEquals("OK", health.stdout(), health.describe());
    }

    /** The tunnel serves a plain-HTTP visitor and an HTTPS visitor on the TLS port, both reaching the backend. */
    private static void assertTunnelServes(OpenSshTunnel tunnel, Backend backend) throws Exception {
        HttpResponse<String> plain = Visitor.get(tunnel.host(), "/plain?x=1");
        assertEquals(200, plain.statusCode(), plain.body() + tunnel.ssh().describe());
        assertEquals("backend GET /plain?x=1", plain.body());
        assertNotNull(backend.awaitRequest(5, TimeUnit.SECONDS));

        String host = tunnel.key() + "." + ItServer.baseUrl().getHost();
        CurlRun.Result https = CurlRun.run("--insecure", "--resolve", host + ":" + ItServer.tlsPort() + ":127.0.0.1",
                "https://" + host + ":" + ItServer.tlsPort() + "/secure");
        assertEquals(0, https.exitStatus(), https.describe() + tunnel.ssh().describe());
        assertEquals("backend GET /secure", https.stdout(), https.describe());
        Backend.Request seen = backend.awaitRequest(5, TimeUnit.SECONDS);
        assertNotNull(seen, "the backend saw no HTTPS request");
        assertEquals("https", seen.header("X-Forwarded-Proto"));
    }
}
