package dev.gangway.connector.ssh;

import dev.gangway.connector.api.KeyDecision;
import dev.gangway.connector.api.KeyLogin;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.session.ServerSession;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Public-key authentication for authMode {@code sso}: MINA parses the request and verifies the signature as usual,
 * then the {@link KeyAuthorityGate} decides, asynchronously, whether the key may log in.
 *
 * <p>MINA 2.20 calls the {@code PublickeyAuthenticator} for the key query and again for the signed attempt, with the
 * same arguments and before it checks any signature; it cannot tell the two apart, and it refuses an asynchronous
 * answer from it. So the authenticator ({@link ClientKeyAuthenticator}) only refuses certificates, and the authority
 * is asked here, once MINA is done with the request: for a query where MINA would send {@code PK_OK}, for an attempt
 * after MINA has verified the signature. Until the decision arrives the request is "in progress" (MINA sends nothing);
 * {@link KeyAuthorityUserAuthService#settle} then answers it. Nothing waits: the I/O thread returns at once.
 *
 * <p>Decisions are acted on on the server's timer thread, never on the authority's own thread, so that the web tier's
 * threads never run MINA code. The session's authentication timeout still bounds a client that never finishes.
 */
final class KeyAuthorityUserAuth extends UserAuthPublicKey {

    private final KeyAuthorityGate gate;
    /** Set by MINA (under the service's lock) when the next request replaces this one. */
    private volatile boolean destroyed;
    /** The query {@link #sendPublicKeyResponse} was asked to answer, held until the authority agrees. */
    private Query query;

    private record Query(PublicKey key, KeyAuthorityUserAuthService.KeyAcceptable reply) {
    }

    private KeyAuthorityUserAuth(KeyAuthorityGate gate) {
        this.gate = gate;
    }

    /** Creates one instance per authentication request, as MINA expects. */
    static UserAuthFactory factory(KeyAuthorityGate gate) {
        return new UserAuthFactory() {
            @Override
            public String getName() {
                return UserAuthPublicKey.NAME;
            }

            @Override
            public UserAuth createUserAuth(ServerSession session) {
                return new KeyAuthorityUserAuth(gate);
            }
        };
    }

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        query = null;
        Boolean verified = super.doAuth(buffer, init);
        ServerSession session = getServerSession();
        KeyAuthorityUserAuthService service = session.getService(KeyAuthorityUserAuthService.class);
        Query asked = query;
        if (verified == null && asked != null) {
            ask(session, asked.key(), false)
                    .thenAccept(decision -> service.settle(this, decision.allowed(), buffer, asked.reply()));
            return null;
        }
        if (!Boolean.TRUE.equals(verified)) {
            return verified;
        }
        // MINA appends the key whose signature it has just verified.
        List<PublicKey> verifiedKeys = session.getAttribute(AUTHENTICATED_KEYS);
        PublicKey key = verifiedKeys.get(verifiedKeys.size() - 1);
        long askedAt = System.nanoTime();
        ask(session, key, true).thenAccept(decision -> {
            if (decision.allowed()) {
                session.setAttribute(SessionKey.ACCEPTED,
                        new SessionKey(key, KeyFingerprints.fingerprint(key), decision.owner(), askedAt));
            } else {
                verifiedKeys.remove(key); // the list means "verified and accepted" to the rest of the server
            }
            service.settle(this, decision.allowed(), buffer, null);
        });
        return null;
    }

    /** Called by MINA's {@code doAuth} for a query its authenticator accepted: held back for the authority. */
    @Override
    protected void sendPublicKeyResponse(ServerSession session, String username, String alg, PublicKey key,
                                         byte[] keyBlob, int offset, int blobLen, Buffer buffer) {
        // Copied rather than kept: the answer goes out after MINA is done with the request's buffer.
        byte[] blob = Arrays.copyOfRange(keyBlob, offset, offset + blobLen);
        query = new Query(key, () -> super.sendPublicKeyResponse(session, username, alg, key, blob, 0, blob.length,
                null));
    }

    @Override
    public void destroy() {
        destroyed = true;
        super.destroy();
    }

    boolean isDestroyed() {
        return destroyed;
    }

    /** The decision, delivered on the server's timer thread (not at all once the server has stopped). */
    private CompletionStage<KeyDecision> ask(ServerSession session, PublicKey key, boolean signatureVerified) {
        String fingerprint = KeyFingerprints.fingerprint(key);
        String remote = SocketAddresses.hostPort(session.getIoSession().getRemoteAddress());
        KeyLogin login = new KeyLogin(fingerprint, KeyFingerprints.type(key), KeyFingerprints.openSshLine(key),
                getUsername(), remote, signatureVerified);
        Executor timer = session.getFactoryManager().getScheduledExecutorService();
        return gate.decide(login).thenApplyAsync(decision -> {
            if (!decision.allowed()) {
                KeyAuthLogger.LOG.refused(fingerprint, login.keyType(), login.userName(), remote,
                        signatureVerified ? "" : " (key query)", decision.reason());
            }
            return decision;
        }, timer);
    }
}
