package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.ForwardKind;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelRegistry;
import dev.gangway.connector.tunnel.TunnelRequest;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Turns the client's forward requests into registry calls. Nothing here binds a socket or creates a file: a forward
 * is only a name in the registry, reached through channels the server opens back to the client.
 */
final class ForwardRequests {

    private final TunnelRegistry registry;

    ForwardRequests(TunnelRegistry registry) {
        this.registry = registry;
    }

    /** {@code streamlocal-forward@openssh.com} / {@code tcpip-forward}: decided when the registry decides. */
    CompletionStage<GlobalReply> open(TunnelSession owner, String requestType, TunnelRequest request) {
        return registry.register(owner, request).handle((tunnel, failure) -> {
            if (failure != null) {
                refuse(owner, requestType, request.requestString(), unwrap(failure).getMessage());
                return GlobalReply.FAILURE;
            }
            logOpened(owner, tunnel);
            // tcpip-forward replies carry the port (OpenSSH reads it when it asked for port 0); the port is only echoed.
            return request.kind() == ForwardKind.TCPIP ? GlobalReply.successWithPort(request.port())
                    : GlobalReply.SUCCESS;
        });
    }

    /** {@code cancel-streamlocal-forward@openssh.com} / {@code cancel-tcpip-forward}: only an exact match is removed. */
    CompletionStage<GlobalReply> cancel(TunnelSession owner, String requestType, TunnelRequest request) {
        if (registry.unregister(owner, request)) {
            SshLogger.LOG.tunnelClosed(TunnelRegistry.keyOf(request, owner.clientId()), owner.clientId(),
                    owner.envId());
            return CompletableFuture.completedFuture(GlobalReply.SUCCESS);
        }
        refuse(owner, requestType, request.requestString(), "no such forward on this connection");
        return CompletableFuture.completedFuture(GlobalReply.FAILURE);
    }

    /** A request that could not even be parsed. */
    CompletionStage<GlobalReply> invalid(TunnelSession owner, String requestType, String raw, String reason) {
        refuse(owner, requestType, raw, reason);
        return CompletableFuture.completedFuture(GlobalReply.FAILURE);
    }

    private static void logOpened(TunnelSession owner, Tunnel tunnel) {
        SshLogger.LOG.tunnelOpened(tunnel.info().key(), owner.clientId(), owner.envId(), tunnel.info().url());
    }

    /**
     * Logs at DEBUG and tells the client why: an SSH global failure carries no text, so the reason goes in an
     * {@code SSH_MSG_DEBUG} message (shown by {@code ssh -v}).
     */
    private static void refuse(TunnelSession owner, String requestType, String raw, String reason) {
        SshLogger.CLIENT.forwardRefused(requestType, raw, owner.clientId(), reason);
        try {
            owner.session().sendDebugMessage(true, requestType + " " + raw + " refused: " + reason, "");
        } catch (IOException | RuntimeException e) {
            // The connection is going away; the refusal itself still goes out (or does not matter any more).
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
