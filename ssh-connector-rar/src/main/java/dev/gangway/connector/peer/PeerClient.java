package dev.gangway.connector.peer;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.net.Channels;
import dev.gangway.connector.tls.WarningThrottle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This node's end of a peer connection: connects to another node's peer port, runs the handshake
 * ({@link PeerHandshake}) and asks one operation. Blocking, with one deadline for the whole exchange: it runs on
 * worker threads only (the visitor's allocation thread for an OPEN, the peer port's workers otherwise).
 */
final class PeerClient {

    /** Failed authentications of other nodes: one WARN a minute, whichever node it is. */
    private static final WarningThrottle NOT_AUTHENTICATED = new WarningThrottle(1, TimeUnit.MINUTES);

    private final AsynchronousChannelGroup group;
    private final PeerHandshake handshake;
    private final String localNode;

    PeerClient(AsynchronousChannelGroup group, PeerHandshake handshake, String localNode) {
        this.group = group;
        this.handshake = handshake;
        this.localNode = localNode;
    }

    /** An authenticated connection to the node of {@code entry}, its answer to {@code operation} read. */
    Exchange ask(ClusterTunnel entry, PeerOperation operation, Duration timeout) throws IOException {
        return ask(entry.node(), entry.peerAddress(), operation, timeout);
    }

    Exchange ask(String node, String peerAddress, PeerOperation operation, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress unresolved = PeerAddresses.parse(peerAddress);
        InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve " + peerAddress);
        }
        AsynchronousSocketChannel channel = AsynchronousSocketChannel.open(group);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            await(channel.connect(address), deadline);
            PeerLineReader lines = new PeerLineReader(channel);
            String clientNonce = PeerHandshake.nonce();
            send(channel, PeerHandshake.helloLine(localNode, clientNonce), deadline);
            String[] server;
            try {
                server = PeerHandshake.parseServer(line(lines, deadline));
            } catch (PeerProtocolException e) {
                throw new IOException("node " + node + " at " + peerAddress + " answered the handshake with "
                        + e.getMessage(), e);
            }
            String serverNonce = server[0];
            String expected = handshake.serverProof(clientNonce, serverNonce, server[2]);
            if (!PeerHandshake.same(expected, server[1])) {
                NOT_AUTHENTICATED.warn(suppressed -> PeerLogger.LOG.serverNotAuthenticated(server[2], peerAddress,
                        suppressed));
                throw new IOException("node " + server[2] + " at " + peerAddress
                        + " did not prove it knows the cluster secret");
            }
            if (!server[2].equals(node)) {
                throw new IOException("the peer port at " + peerAddress + " is node " + server[2] + ", not " + node);
            }
            send(channel, PeerHandshake.clientLine(handshake.clientProof(serverNonce, clientNonce, localNode),
                    operation.line()), deadline);
            String reply = line(lines, deadline);
            return new Exchange(channel, reply, lines.leftover());
        } catch (IOException | RuntimeException e) {
            Channels.closeQuietly(channel);
            throw e;
        }
    }

    /** An operation without a stream: its {@code OK} argument. */
    String answer(String node, String peerAddress, PeerOperation operation, Duration timeout) throws IOException {
        Exchange exchange = ask(node, peerAddress, operation, timeout);
        Channels.closeQuietly(exchange.channel());
        try {
            return exchange.okArgument();
        } catch (TunnelException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String line(PeerLineReader lines, long deadline) throws IOException {
        CompletableFuture<String> line = new CompletableFuture<>();
        lines.read(deadline, new PeerLineReader.Handler() {
            @Override
            public void completed(String read) {
                line.complete(read);
            }

            @Override
            public void failed(Throwable e) {
                line.completeExceptionally(e);
            }
        });
        return await(line, deadline);
    }

    private static void send(AsynchronousSocketChannel channel, String line, long deadline) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            await(channel.write(out), deadline);
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> future, long deadline) throws IOException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("no answer in time", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IOException("interrupted", e);
        }
    }

    /** A connection whose handshake is done, with the server's reply to the operation. */
    record Exchange(AsynchronousSocketChannel channel, String reply, ByteBuffer leftover) {

        /** The text after {@code OK}, or the {@code ERR} as the exception it stands for. */
        String okArgument() throws TunnelException {
            if (reply.equals("OK")) {
                return "";
            }
            if (reply.startsWith("OK ")) {
                return reply.substring(3);
            }
            String[] err = reply.split(" ", 3);
            if (err.length >= 2 && err[0].equals("ERR")) {
                TunnelException.Reason reason;
                try {
                    reason = TunnelException.Reason.valueOf(err[1]);
                } catch (IllegalArgumentException e) {
                    reason = TunnelException.Reason.UNAVAILABLE;
                }
                throw new TunnelException(reason, err.length > 2 ? err[2] : err[1]);
            }
            throw new TunnelException(TunnelException.Reason.UNAVAILABLE, "unexpected answer from the node holding "
                    + "the tunnel");
        }
    }
}
