package dev.gangway.connector.ssh;

import org.apache.sshd.common.Service;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.auth.AbstractUserAuthServiceFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.session.ServerUserAuthService;

import java.io.IOException;

/**
 * MINA's user authentication service, plus one entry point through which {@link KeyAuthorityUserAuth} reports a
 * decision that arrived after the request was processed.
 *
 * <p>Why: MINA 2.20's own asynchronous path ({@code AsyncAuthException}) is refused for public keys
 * ({@code ServerUserAuthService} throws "Async authentication only allowed for password or keyboard-interactive
 * authentication" and the session dies). So the public-key method answers "in progress" (MINA then sends nothing),
 * and settles the request later through here, under the service's own lock, with MINA's own success or failure
 * handling: the same replies, counters and session state as a synchronous answer.
 */
final class KeyAuthorityUserAuthService extends ServerUserAuthService {

    /** Replaces MINA's {@code ssh-userauth} service factory in authMode sso. */
    static final ServiceFactory FACTORY = new AbstractUserAuthServiceFactory() {
        @Override
        public Service create(Session session) throws IOException {
            return new KeyAuthorityUserAuthService(session);
        }
    };

    private KeyAuthorityUserAuthService(Session session) throws IOException {
        super(session);
    }

    /**
     * Settles {@code auth}'s request if it is still the one being decided: MINA destroys a method instance when the
     * next request arrives (inside {@code process}, under this same lock), and a late decision then answers nothing.
     *
     * @param keyAcceptable for a key query: what answers "yes" ({@code PK_OK}); {@code null} for a signed attempt
     */
    synchronized void settle(KeyAuthorityUserAuth auth, boolean allowed, Buffer request, KeyAcceptable keyAcceptable) {
        ServerSession session = getServerSession();
        if (auth.isDestroyed() || isClosing() || session.isClosing() || session.isAuthenticated()) {
            return;
        }
        if (allowed && keyAcceptable != null) {
            try {
                keyAcceptable.send();
            } catch (Exception e) {
                // The reply could not be written: the connection is going, so nobody is left to answer.
                session.close(true);
            }
            return;
        }
        // asyncAuth runs MINA's success or failure handling (reply, attempt counting, starting the connection service).
        asyncAuth(SshConstants.SSH_MSG_USERAUTH_REQUEST, request, allowed);
    }

    /** Sends {@code SSH_MSG_USERAUTH_PK_OK} for a key query. */
    @FunctionalInterface
    interface KeyAcceptable {
        void send() throws Exception;
    }
}
