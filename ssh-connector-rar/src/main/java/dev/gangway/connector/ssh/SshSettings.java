package dev.gangway.connector.ssh;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The SSH server's settings, validated, as the resource adapter's config properties give them.
 *
 * @param bindAddress          address the SSH listener binds ({@code 0.0.0.0} for all)
 * @param port                 SSH port; 0 picks a free one (tests)
 * @param baseUrl              public base URL; tunnel URLs are derived from it
 * @param hostKeyFile          the server's host key; generated once and kept if absent
 * @param authMode             which keys may log in
 * @param authorizedKeysFile   for {@link AuthMode#AUTHORIZED_KEYS}
 * @param keepaliveInterval    how often the server probes an idle client
 * @param keepaliveMaxMissed   unanswered probes before the client is dropped
 * @param takeoverCheckTimeout how long a name's current holder has to answer the liveness probe
 * @param allowSha1Rsa         accept {@code ssh-rsa} (SHA-1) signatures
 * @param ciphers              cipher names offered, e.g. {@code aes128-gcm@openssh.com}; see {@link SshAlgorithms}
 * @param tunnellessTimeout    how long an authenticated connection may hold no tunnel; {@code ZERO} for ever
 * @param channelWindow        bytes a client may send on one channel before the server has read them: the most one
 *                             stream (a slow visitor, say) can make the server hold
 */
public record SshSettings(String bindAddress, int port, URI baseUrl, Path hostKeyFile, AuthMode authMode,
                          Path authorizedKeysFile, Duration keepaliveInterval, int keepaliveMaxMissed,
                          Duration takeoverCheckTimeout, boolean allowSha1Rsa, List<String> ciphers,
                          Duration tunnellessTimeout, int channelWindow) {

    public SshSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(hostKeyFile, "hostKeyFile");
        Objects.requireNonNull(authMode, "authMode");
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        Objects.requireNonNull(takeoverCheckTimeout, "takeoverCheckTimeout");
        Objects.requireNonNull(tunnellessTimeout, "tunnellessTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sshPort " + port + " is not a TCP port (0-65535)");
        }
        if (authMode == AuthMode.AUTHORIZED_KEYS && authorizedKeysFile == null) {
            throw new IllegalArgumentException("authMode authorized-keys needs authorizedKeysFile");
        }
        ciphers = List.copyOf(ciphers);
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("sshCiphers names no cipher");
        }
        if (channelWindow < MIN_CHANNEL_WINDOW) {
            throw new IllegalArgumentException("channelWindowBytes must be at least " + MIN_CHANNEL_WINDOW
                    + " (one SSH packet), is " + channelWindow);
        }
        if (keepaliveMaxMissed < 1) {
            throw new IllegalArgumentException("keepaliveMaxMissed must be at least 1");
        }
    }

    /** One maximum-size SSH packet: a smaller window could not carry a full packet at all. */
    public static final int MIN_CHANNEL_WINDOW = 32 * 1024;

    /** OpenSSH's own channel window, and MINA's default. */
    public static final int DEFAULT_CHANNEL_WINDOW = 2 * 1024 * 1024;

    /** The ciphers offered when the operator names none (the reasons are in {@link SshAlgorithms}). */
    public static List<String> defaultCiphers() {
        return SshAlgorithms.DEFAULT_CIPHERS;
    }
}
