package dev.gangway.connector.tls;

import dev.gangway.connector.net.Channels;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Terminates TLS for an SSH connection: an {@link SSLEngine} from the server's SSL context (looked up now, so a
 * rotated certificate applies), fed the ClientHello already read, driven asynchronously to the end of the handshake
 * within what is left of the handshake deadline; then the plaintext channel goes to the SSH server.
 *
 * <p>ALPN: the engine answers {@code ssh} when offered, and selects nothing otherwise (a client routed here by its
 * SNI may offer {@code h2}, which this end does not speak). Elytron's engines are wrappers
 * ({@code AbstractDelegatingSSLEngine}); from Elytron 2.x (WildFly 39 ships 2.8.2) they pass the selector on to the
 * JDK engine, checked with javap. An engine that refuses the selector is still used, with no ALPN answer: OpenSSH
 * behind {@code openssl s_client} and Preevy's client do not require one.
 *
 * <p>Delegated tasks (the handshake's signature and key exchange, a few milliseconds; once, Elytron's lazy key
 * manager creating the self-signed certificate, seconds) run on the front door's thread.
 */
final class SshTlsHandshake {

    private final FrontDoorContext context;
    private final AsynchronousSocketChannel client;
    private long deadline;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private SSLEngine engine;

    /** @param hello the ClientHello bytes, read mode */
    SshTlsHandshake(FrontDoorContext context, AsynchronousSocketChannel client, ByteBuffer hello, long deadline) {
        this.context = context;
        this.client = client;
        this.netIn = hello;
        this.deadline = deadline;
    }

    void start() {
        SSLContext sslContext;
        try {
            sslContext = context.sources().sslContext();
        } catch (RuntimeException e) {
            String name = context.settings().sslContextName();
            context.sslContextWarnings().warn(suppressed -> TlsLogger.LOG.sslContextUnavailable(name, String.valueOf(e), name));
            Channels.closeQuietly(client);
            return;
        }
        try {
            InetSocketAddress peer = (InetSocketAddress) client.getRemoteAddress();
            engine = sslContext.createSSLEngine(peer.getHostString(), peer.getPort());
            engine.setUseClientMode(false);
            selectSshProtocol(engine);
            int packet = engine.getSession().getPacketBufferSize();
            netIn = ByteBuffer.allocate(Math.max(packet, netIn.remaining())).put(netIn).flip();
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            netOut = ByteBuffer.allocate(packet);
            engine.beginHandshake();
        } catch (Exception e) {
            fail(e);
            return;
        }
        step();
    }

    private static void selectSshProtocol(SSLEngine engine) {
        try {
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> selectAlpn(offered));
        } catch (UnsupportedOperationException e) {
            TlsLogger.CLIENT.noAlpnSelector(engine.getClass().getName());
        }
    }

    /** {@code ssh} when offered; otherwise the empty string, which tells the JDK not to answer ALPN at all. */
    static String selectAlpn(List<String> offered) {
        return offered.contains(RoutingRule.SSH_ALPN) ? RoutingRule.SSH_ALPN : "";
    }

    /** Runs the engine until it needs the network or is done. */
    private void step() {
        try {
            while (true) {
                SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> {
                        netOut.clear();
                        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), netOut);
                        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                            netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                            continue;
                        }
                        if (result.getStatus() == SSLEngineResult.Status.CLOSED && result.bytesProduced() == 0) {
                            throw new SSLException("the handshake was closed");
                        }
                        netOut.flip();
                        if (netOut.hasRemaining()) {
                            write();
                            return;
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        SSLEngineResult result = engine.unwrap(netIn, appIn);
                        switch (result.getStatus()) {
                            case BUFFER_UNDERFLOW -> {
                                read();
                                return;
                            }
                            case BUFFER_OVERFLOW -> appIn = grow(appIn);
                            case CLOSED -> throw new SSLException("the client closed during the handshake");
                            default -> {
                                // OK: the next status tells what follows.
                            }
                        }
                    }
                    default -> { // NOT_HANDSHAKING, FINISHED
                        handOver();
                        return;
                    }
                }
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    /**
     * The deadline bounds the client's slowness, not the server's: time spent in the engine's own work (signing, and
     * on first use the key manager making its self-signed certificate, seconds) moves it back.
     */
    private void runTasks() {
        long started = System.nanoTime();
        TlsBuffers.runTasks(engine);
        deadline += System.nanoTime() - started;
    }

    private void read() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            stalled();
            return;
        }
        if (!netIn.hasRemaining()) {
            netIn.clear();
        } else {
            netIn.compact();
        }
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn);
        }
        client.read(netIn, left, TimeUnit.NANOSECONDS, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void ignored) {
                netIn.flip();
                if (n < 0) {
                    fail(new SSLException("the client closed during the handshake"));
                } else {
                    step();
                }
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                if (e instanceof InterruptedByTimeoutException) {
                    stalled();
                } else {
                    fail(e);
                }
            }
        });
    }

    private void write() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            stalled();
            return;
        }
        try {
            writeOnce(left);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void writeOnce(long left) {
        client.write(netOut, left, TimeUnit.NANOSECONDS, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void ignored) {
                if (netOut.hasRemaining()) {
                    write();
                } else {
                    step();
                }
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                if (e instanceof InterruptedByTimeoutException) {
                    stalled();
                } else {
                    fail(e);
                }
            }
        });
    }

    private void handOver() {
        appIn.flip();
        TlsSocketChannel plaintext = new TlsSocketChannel(client, engine, netIn, appIn);
        try {
            context.ssh().adopt(plaintext);
        } catch (Exception e) {
            TlsLogger.CLIENT.connectionEnded(Channels.remote(client), "the SSH server did not take it: " + e);
            Channels.closeQuietly(plaintext);
        }
    }

    private void stalled() {
        context.events().refused();
        if (TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.stalled(Channels.remote(client), "TLS handshake",
                    context.settings().handshakeTimeout().toMillis());
        }
        Channels.closeQuietly(client);
    }

    private void fail(Throwable e) {
        context.events().refused();
        if (TlsLogger.CLIENT.isDebugEnabled()) {
            TlsLogger.CLIENT.handshakeFailed(Channels.remote(client), String.valueOf(e));
        }
        if (engine != null && e instanceof SSLException) {
            sendAlert();
        }
        Channels.closeQuietly(client);
    }

    /** The engine may hold an alert for the client; it is sent if it goes out at once, never waited for. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(ByteBuffer.allocate(0), netOut);
            netOut.flip();
            if (netOut.hasRemaining()) {
                client.write(netOut);
            }
        } catch (Exception ignored) {
            // Best effort: the connection is being closed anyway.
        }
    }

    /** Keeps the bytes (write mode in, write mode out). */
    private static ByteBuffer grow(ByteBuffer buffer) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
        buffer.flip();
        return bigger.put(buffer);
    }
}
