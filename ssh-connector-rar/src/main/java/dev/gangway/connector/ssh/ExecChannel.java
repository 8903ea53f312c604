package dev.gangway.connector.ssh;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@code session} channel that runs only the exec commands of {@link ExecCommands}. Every other channel request
 * (shell, pty-req, env, subsystem, agent and X11 forwarding, signals) is refused, in every mode.
 */
final class ExecChannel extends ChannelSession {

    private final ExecCommands commands;
    private final Supplier<Integer> tunnelCount;

    ExecChannel(ExecCommands commands, Supplier<Integer> tunnelCount) {
        super(List.of()); // without MINA's default PuTTY request handler: nothing but exec is served
        this.commands = commands;
        this.tunnelCount = tunnelCount;
        // The commands read no input: whatever the client sends is dropped and its window given back at once, so
        // that a client piping data in neither blocks nor makes the server buffer it.
        setDataReceiver(new ChannelDataReceiver() {
            @Override
            public int data(org.apache.sshd.server.channel.ChannelSession channel, byte[] buf, int start, int len) {
                return len;
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    protected RequestHandler.Result handleInternalRequest(String requestType, boolean wantReply, Buffer buffer)
            throws IOException {
        TunnelSession owner = TunnelSession.of(getSession());
        if (!"exec".equals(requestType) || type != null || isClosing() || owner == null) {
            if (!requestType.startsWith("keepalive@")) {
                SshLogger.CLIENT.requestRefused(requestType, owner == null ? "?" : owner.clientId());
            }
            return RequestHandler.Result.ReplyFailure;
        }
        type = requestType;
        String commandLine = buffer.getString();
        if (wantReply) {
            // Replied here, before any output, so that the client sees the exec accepted before its result.
            Buffer success = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_SUCCESS, 8);
            success.putUInt(getRecipient());
            writePacket(success);
        }
        asyncOut = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
        asyncErr = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA);
        commands.run(owner, commandLine).whenComplete((outcome, failure) -> {
            if (failure != null) {
                SshLogger.CLIENT.execFailed(commandLine, owner.clientId(), failure);
                outcome = new ExecCommands.Outcome("", "internal error\r\n", 1, false);
            }
            finish(outcome);
        });
        return RequestHandler.Result.Replied;
    }

    private void finish(ExecCommands.Outcome outcome) {
        write(asyncOut, outcome.stdout())
                .thenCompose(ignored -> write(asyncErr, outcome.stderr()))
                .whenComplete((ignored, failure) -> {
                    if (failure != null || isClosing()) {
                        close(true);
                        return;
                    }
                    try {
                        sendExitStatus(outcome.exitStatus());
                        // `ssh -R ... host hello` must stay connected while it holds tunnels: the client ends when
                        // this channel closes. So the channel closes only when there is nothing to hold.
                        if (!outcome.keepOpenWhileTunnels() || tunnelCount.get() == 0) {
                            sendEof();
                            close(false);
                        }
                    } catch (IOException e) {
                        close(true);
                    }
                });
    }

    private static CompletableFuture<Void> write(ChannelAsyncOutputStream out, String text) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        if (text.isEmpty()) {
            written.complete(null);
            return written;
        }
        try {
            out.writeBuffer(new ByteArrayBuffer(text.getBytes(StandardCharsets.UTF_8))).addListener(f -> {
                if (f.isWritten()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(f.getException());
                }
            });
        } catch (IOException | RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }
}
