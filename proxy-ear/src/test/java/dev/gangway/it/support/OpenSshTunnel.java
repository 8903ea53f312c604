package dev.gangway.it.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.dmr.ModelNode;

/**
 * A named tunnel held open by a real {@code ssh -R /<name>:localhost:<port> hello} with a fresh key, ready once the
 * server's {@code hello} answer lists it. Closing it ends the ssh process and deletes the key.
 */
public final class OpenSshTunnel implements AutoCloseable {

    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(30);

    private final SshKeyPair key;
    private final SshProcess ssh;
    private final String tunnelKey;

    private OpenSshTunnel(SshKeyPair key, SshProcess ssh, String tunnelKey) {
        this.key = key;
        this.ssh = ssh;
        this.tunnelKey = tunnelKey;
    }

    /**
     * Opens tunnel {@code name} to {@code localhost:<port>} on the client side and waits for {@code hello}.
     *
     * @param name a name that is its own DNS label (lower case letters, digits, {@code -})
     */
    public static OpenSshTunnel open(String name, int port) throws Exception {
        return open(name, "", port);
    }

    /**
     * As {@link #open(String, int)}, with request-string parameters appended to the name, e.g.
     * {@code #access=private}.
     */
    public static OpenSshTunnel open(String name, String parameters, int port) throws Exception {
        return open(name, parameters, port, List.of());
    }

    /**
     * As {@link #open(String, String, int)}, with more ssh options, e.g. a {@code ProxyCommand} that reaches the
     * server over TLS.
     */
    public static OpenSshTunnel open(String name, String parameters, int port, List<String> sshOptions)
            throws Exception {
        return open(SshKeyPair.ed25519(), name, parameters, port, sshOptions);
    }

    /** As {@link #open(String, String, int, List)}, logging in with {@code key}, which the tunnel then owns. */
    public static OpenSshTunnel open(SshKeyPair key, String name, String parameters, int port, List<String> sshOptions)
            throws Exception {
        SshProcess ssh = null;
        String request = "/" + name + parameters;
        try {
            List<String> options = new ArrayList<>(sshOptions);
            options.addAll(List.of("-R", request + ":localhost:" + port));
            ssh = SshProcess.start(key, name + "-env", options, "hello");
            ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(HELLO_TIMEOUT));
            if (!hello.hasDefined("tunnels", request)) {
                throw new IOException("hello does not list tunnel " + request + ": " + hello.toJSONString(true)
                        + ssh.describe());
            }
            return new OpenSshTunnel(key, ssh, name + "-" + key.clientId());
        } catch (Exception e) {
            if (ssh != null) {
                ssh.close();
            }
            key.close();
            throw e;
        }
    }

    /** The tunnel key, {@code <name>-<clientId>}. */
    public String key() {
        return tunnelKey;
    }

    /** The Host header that routes to this tunnel, port included. */
    public String host() {
        return ItServer.tunnelHost(tunnelKey);
    }

    public String clientId() {
        return key.clientId();
    }

    public SshProcess ssh() {
        return ssh;
    }

    @Override
    public void close() throws Exception {
        try {
            ssh.close();
        } finally {
            key.close();
        }
    }
}
