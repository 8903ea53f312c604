package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.TunnelRegistry;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;

/** Server settings and MINA clients for the in-JVM tests. */
final class TestSsh {

    static final URI BASE_URL = URI.create("http://gw.test:8080");
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TestSsh() {
    }

    static SshSettings settings(Path dir, AuthMode mode, Path authorizedKeys) {
        return new SshSettings("127.0.0.1", 0, BASE_URL, dir.resolve("keys/host_key"), mode, authorizedKeys,
                Duration.ofSeconds(5), 3, Duration.ofSeconds(2), false, SshSettings.defaultCiphers(),
                Duration.ZERO, SshSettings.DEFAULT_CHANNEL_WINDOW);
    }

    static SshTunnelServer start(SshSettings settings) throws Exception {
        SshTunnelServer server = new SshTunnelServer(settings,
                new TunnelRegistry(settings.baseUrl(), settings.takeoverCheckTimeout()));
        server.start();
        return server;
    }

    static KeyPair ed25519() throws Exception {
        return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    /** A client with tiny windows (2048-byte window, 256-byte packets) that forwards wherever it is told. */
    static SshClient client() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        CoreModuleProperties.WINDOW_SIZE.set(client, 2048L);
        CoreModuleProperties.MAX_PACKET_SIZE.set(client, 256L);
        client.start();
        return client;
    }

    static ClientSession login(SshClient client, int port, String user, KeyPair key) throws Exception {
        ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(key);
        session.auth().verify(TIMEOUT);
        return session;
    }
}
