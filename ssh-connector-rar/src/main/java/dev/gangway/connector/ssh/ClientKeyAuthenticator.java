package dev.gangway.connector.ssh;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.session.ServerSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Objects;

/**
 * Decides which public keys may log in, per {@link AuthMode}. MINA calls it both for a key query (answered
 * "acceptable") and before verifying a signed attempt, so it must not remember anything about the key.
 *
 * <p>OpenSSH certificates are refused in every mode: a client's identity (its clientId and every tunnel key) is the
 * plain key, and Gangway has no certificate authority to trust.
 */
final class ClientKeyAuthenticator implements PublickeyAuthenticator {

    private final PublickeyAuthenticator policy;

    private ClientKeyAuthenticator(PublickeyAuthenticator policy) {
        this.policy = policy;
    }

    /**
     * @throws IOException if {@link AuthMode#AUTHORIZED_KEYS} names a file that cannot be read now: the server would
     *                     start but let nobody in, which an operator should see at once
     */
    static ClientKeyAuthenticator forSettings(SshSettings settings) throws IOException {
        switch (settings.authMode()) {
            case OPEN:
                return new ClientKeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
            case AUTHORIZED_KEYS:
                Path file = settings.authorizedKeysFile();
                if (!Files.isReadable(file)) {
                    throw new IOException("authorized keys file " + file + " does not exist or is not readable");
                }
                // MINA's authenticator re-reads the file whenever its size or modification time changes, so keys can
                // be added or revoked without a restart.
                return new ClientKeyAuthenticator(new AuthorizedKeysAuthenticator(file));
            case SSO:
                // Only the certificate check here: the key authority decides in KeyAuthorityUserAuth, after MINA has
                // verified the signature (MINA refuses asynchronous public-key authenticators; see there). Not MINA's
                // accept-all, which warns "accepted without checking" on every login.
                return new ClientKeyAuthenticator((username, key, session) -> true);
            default:
                throw new IllegalArgumentException("unknown auth mode " + settings.authMode());
        }
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Objects.requireNonNull(key, "key");
        if (key instanceof OpenSshCertificate) {
            return false;
        }
        return policy.authenticate(username, key, session);
    }
}
