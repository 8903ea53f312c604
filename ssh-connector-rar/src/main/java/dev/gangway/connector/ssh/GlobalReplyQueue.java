package dev.gangway.connector.ssh;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Sends the replies to one connection's global requests in the order the requests came.
 *
 * <p>Why: SSH global replies carry no request id; OpenSSH matches each reply to the oldest request still waiting
 * (RFC 4254 §4). A forward whose take-over check takes seconds must therefore hold back the replies to every later
 * request (another forward, a client keepalive), or the client would pin a refusal on the wrong forward.
 */
final class GlobalReplyQueue {

    private final Session session;
    private final Supplier<String> clientId;
    /** Completes once the reply to the newest queued request has been handed to MINA. Guarded by {@code this}. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    GlobalReplyQueue(Session session, Supplier<String> clientId) {
        this.session = session;
        this.clientId = clientId;
    }

    /** Queues the reply to a request that wants one; it is written once {@code outcome} and every earlier reply are. */
    synchronized void enqueue(CompletionStage<GlobalReply> outcome) {
        CompletableFuture<GlobalReply> decided = outcome.toCompletableFuture()
                .handle((reply, failure) -> failure == null && reply != null ? reply : GlobalReply.FAILURE);
        tail = tail.thenCombine(decided, (ignored, reply) -> reply).thenAccept(this::write);
    }

    private void write(GlobalReply reply) {
        if (!session.isOpen()) {
            return;
        }
        byte cmd = reply.success() ? SshConstants.SSH_MSG_REQUEST_SUCCESS : SshConstants.SSH_MSG_REQUEST_FAILURE;
        Buffer buffer = session.createBuffer(cmd, 8);
        reply.port().ifPresent(buffer::putUInt);
        try {
            session.writePacket(buffer);
        } catch (IOException | RuntimeException e) {
            SshLogger.CLIENT.replyFailed(clientId.get(), e);
        }
    }
}
