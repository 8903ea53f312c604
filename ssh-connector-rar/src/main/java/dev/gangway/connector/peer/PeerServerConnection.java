package dev.gangway.connector.peer;

import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.net.Channels;
import dev.gangway.connector.net.DirectBufferPool;
import dev.gangway.connector.tls.WarningThrottle;
import dev.gangway.connector.tunnel.HolderState;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelStream;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The server end of one peer connection: the handshake ({@link PeerHandshake}), read and answered asynchronously on
 * the peer port's I/O threads under one deadline, then the one operation the client asked for. Anything wrong (bad
 * line, wrong proof, too slow, too long) closes the connection; a throttled WARN names the remote address.
 */
final class PeerServerConnection {

    private final AsynchronousSocketChannel channel;
    private final PeerSettings settings;
    private final PeerHandshake handshake;
    private final PeerService service;
    private final ExecutorService workers;
    private final DirectBufferPool buffers;
    private final WarningThrottle refusals;
    private final PeerLineReader lines;
    private final long deadline;

    private String clientNode;
    private String clientNonce;
    private String serverNonce;

    PeerServerConnection(AsynchronousSocketChannel channel, PeerSettings settings, PeerHandshake handshake,
                         PeerService service, ExecutorService workers, DirectBufferPool buffers,
                         WarningThrottle refusals) {
        this.channel = channel;
        this.settings = settings;
        this.handshake = handshake;
        this.service = service;
        this.workers = workers;
        this.buffers = buffers;
        this.refusals = refusals;
        this.lines = new PeerLineReader(channel);
        this.deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
    }

    void start() {
        lines.read(deadline, new Step() {
            @Override
            void line(String line) throws PeerProtocolException {
                String[] hello = PeerHandshake.parseHello(line);
                clientNode = hello[0];
                clientNonce = hello[1];
                serverNonce = PeerHandshake.nonce();
                send(PeerHandshake.serverLine(serverNonce,
                        handshake.serverProof(clientNonce, serverNonce, settings.nodeName()), settings.nodeName()),
                        PeerServerConnection.this::readOperation, () -> { });
            }
        });
    }

    private void readOperation() {
        lines.read(deadline, new Step() {
            @Override
            void line(String line) throws PeerProtocolException {
                String[] proofAndOperation = PeerHandshake.parseClient(line);
                String expected = handshake.clientProof(serverNonce, clientNonce, clientNode);
                if (!PeerHandshake.same(expected, proofAndOperation[0])) {
                    throw new PeerProtocolException("node " + clientNode + " sent a wrong proof of the cluster secret");
                }
                PeerOperation operation = PeerOperation.parse(proofAndOperation[1]);
                PeerLogger.STREAM.operation(Channels.remote(channel), clientNode, operation.verb().wire,
                        operation.subject());
                perform(operation);
            }
        });
    }

    private void perform(PeerOperation operation) {
        String key = operation.subject().toLowerCase(Locale.ROOT);
        switch (operation.verb()) {
            case OPEN -> onWorker(() -> open(key));
            case PROBE -> service.probe(key, clientNode).whenComplete((state, failure) ->
                    finish("OK " + (failure != null ? HolderState.ALIVE : state).name().toLowerCase(Locale.ROOT)));
            case DISCONNECT_KEY -> onWorker(() ->
                    finish("OK " + service.disconnectKey(operation.subject(), operation.reason())));
            case DISCONNECT_OWNER -> onWorker(() ->
                    finish("OK " + service.disconnectOwner(operation.subject(), operation.reason())));
            case YIELD -> onWorker(() -> finish(service.yieldKey(key, operation.reason(), operation.openedAt())
                    ? "OK yielded" : "OK kept"));
        }
    }

    /** On a worker thread: waits for the SSH client to accept the channel, then answers and splices. */
    private void open(String key) {
        Tunnel tunnel = service.localTunnel(key).orElse(null);
        if (tunnel == null) {
            finish(error(PeerService.noTunnel(key)));
            return;
        }
        TunnelStream stream;
        try {
            stream = tunnel.openStream(settings.openTimeout());
        } catch (TunnelException e) {
            finish(error(e));
            return;
        }
        ByteBuffer early = lines.leftover();
        send("OK", () -> new PeerSplice(channel, stream, tunnel.statistics(), buffers, early).start(), stream::close);
    }

    private void onWorker(Runnable work) {
        try {
            workers.execute(work);
        } catch (RejectedExecutionException e) {
            finish(error(new TunnelException(TunnelException.Reason.OVERLOADED,
                    "this node is busy with other nodes' requests; try again shortly")));
        }
    }

    static String error(TunnelException e) {
        return "ERR " + e.reason().name() + " " + String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " ");
    }

    /** The last line of a connection that carries no stream. */
    private void finish(String line) {
        send(line, () -> Channels.closeQuietly(channel), () -> { });
    }

    /** {@code failed} undoes what was prepared for after the line (the other node went away meanwhile). */
    private void send(String line, Runnable then, Runnable failed) {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        CompletionHandler<Integer, Void> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer written, Void ignored) {
                if (!out.hasRemaining()) {
                    then.run();
                    return;
                }
                try {
                    channel.write(out, null, this);
                } catch (RuntimeException e) {
                    failed(e, null);
                }
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                Channels.closeQuietly(channel);
                failed.run();
            }
        };
        try {
            channel.write(out, null, handler);
        } catch (RuntimeException e) {
            handler.failed(e, null); // the port is stopping
        }
    }

    private void refuse(String reason) {
        String remote = Channels.remote(channel);
        Channels.closeQuietly(channel);
        refusals.warn(suppressed -> PeerLogger.LOG.refusedPeer(remote, reason, suppressed));
    }

    /** One handshake line: handled, or the connection refused with why. */
    private abstract class Step implements PeerLineReader.Handler {
        abstract void line(String line) throws PeerProtocolException;

        @Override
        public final void completed(String line) {
            try {
                line(line);
            } catch (PeerProtocolException e) {
                refuse(e.getMessage());
            } catch (RuntimeException e) {
                refuse("the handshake failed here: " + e);
            }
        }

        @Override
        public final void failed(Throwable e) {
            if (e instanceof InterruptedByTimeoutException) {
                refuse("no complete handshake within " + settings.handshakeTimeout().toMillis() + " ms");
            } else if (e instanceof PeerProtocolException) {
                refuse(e.getMessage());
            } else {
                Channels.closeQuietly(channel); // the peer went away: nothing to report
            }
        }
    }
}
