package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.InvalidTunnelRequestException;
import dev.gangway.connector.tunnel.TunnelRequest;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The only global request handler of the server (MINA's defaults, which would bind ports, are not installed).
 * Forward requests go to {@link ForwardRequests}; everything else is refused. Every reply goes through the
 * connection's {@link GlobalReplyQueue}, so replies keep the order of the requests even when a forward takes seconds
 * to decide.
 */
final class GlobalRequestHandler extends AbstractConnectionServiceRequestHandler {

    static final String STREAMLOCAL_FORWARD = "streamlocal-forward@openssh.com";
    static final String CANCEL_STREAMLOCAL_FORWARD = "cancel-streamlocal-forward@openssh.com";
    static final String TCPIP_FORWARD = "tcpip-forward";
    static final String CANCEL_TCPIP_FORWARD = "cancel-tcpip-forward";
    static final String NO_MORE_SESSIONS = "no-more-sessions@openssh.com";

    private final ForwardRequests forwards;

    GlobalRequestHandler(ForwardRequests forwards) {
        this.forwards = forwards;
    }

    @Override
    public RequestHandler.Result process(ConnectionService service, String request, boolean wantReply,
                                         Buffer buffer) {
        TunnelSession owner = TunnelSession.of(service.getSession());
        if (owner == null) {
            // Cannot happen after authentication (the connection service starts only then); refuse to be safe.
            return RequestHandler.Result.ReplyFailure;
        }
        CompletionStage<GlobalReply> outcome = decide(service, owner, request, buffer);
        if (wantReply) {
            owner.replies().enqueue(outcome);
        }
        return RequestHandler.Result.Replied;
    }

    private CompletionStage<GlobalReply> decide(ConnectionService service, TunnelSession owner, String request,
                                                Buffer buffer) {
        switch (request) {
            case STREAMLOCAL_FORWARD:
            case CANCEL_STREAMLOCAL_FORWARD: {
                String socketPath = buffer.getString();
                try {
                    TunnelRequest parsed = TunnelRequest.streamLocal(socketPath);
                    return STREAMLOCAL_FORWARD.equals(request) ? forwards.open(owner, request, parsed)
                            : forwards.cancel(owner, request, parsed);
                } catch (InvalidTunnelRequestException e) {
                    return forwards.invalid(owner, request, socketPath, e.getMessage());
                }
            }
            case TCPIP_FORWARD:
            case CANCEL_TCPIP_FORWARD: {
                String address = buffer.getString();
                long port = buffer.getUInt();
                String raw = address + ":" + port;
                try {
                    TunnelRequest parsed = TunnelRequest.namedTcpip(address, (int) Math.min(port, Integer.MAX_VALUE));
                    return TCPIP_FORWARD.equals(request) ? forwards.open(owner, request, parsed)
                            : forwards.cancel(owner, request, parsed);
                } catch (InvalidTunnelRequestException e) {
                    return forwards.invalid(owner, request, raw, e.getMessage());
                }
            }
            case NO_MORE_SESSIONS:
                // OpenSSH's promise that it will open no further session channel; holding it to that is free.
                service.setAllowMoreSessions(false);
                return CompletableFuture.completedFuture(GlobalReply.FAILURE);
            default:
                // keepalive@openssh.com lands here too: a failure reply is the answer OpenSSH's sshd gives.
                SshLogger.CLIENT.requestRefused(request, owner.clientId());
                return CompletableFuture.completedFuture(GlobalReply.FAILURE);
        }
    }
}
