package dev.gangway.proxy.stream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.gangway.connector.api.GatewaySettings;
import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelConnection;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.connector.api.TunnelObserver;
import dev.gangway.connector.api.TunnelException;
import dev.gangway.connector.api.KeyAuthority;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelInfo;

/**
 * A stand-in for the resource adapter: each tunnel key leads to a TCP address, and each {@link TunnelConnection}
 * is a plain asynchronous socket to it, so that the proxy's real non-blocking paths run against a real backend.
 * Recycled connections are pooled per key, as the adapter pools channels.
 */
final class SocketTunnelFactory implements TunnelConnectionFactory {

    private final GatewaySettings settings;
    private final Map<String, InetSocketAddress> backends = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedDeque<SocketTunnelConnection>> idle = new ConcurrentHashMap<>();
    final List<SocketTunnelConnection> opened = new CopyOnWriteArrayList<>();

    SocketTunnelFactory(String baseUrl, List<String> trustedProxies) {
        this(settings(baseUrl, trustedProxies, Duration.ofMinutes(10), Duration.ZERO));
    }

    /** Settings with no private-tunnel groups and an identity key made once per test JVM in a temporary directory. */
    static GatewaySettings settings(String baseUrl, List<String> trustedProxies, Duration idleTimeout,
                                    Duration maxRequestTime) {
        return new GatewaySettings(URI.create(baseUrl), trustedProxies, idleTimeout, maxRequestTime, List.of(),
                IDENTITY_KEY.toString());
    }

    static final java.nio.file.Path IDENTITY_KEY = identityKeyPath();

    private static java.nio.file.Path identityKeyPath() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gangway-identity");
            dir.toFile().deleteOnExit();
            java.nio.file.Path file = dir.resolve("gangway-identity.jwk");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    SocketTunnelFactory(GatewaySettings settings) {
        this.settings = settings;
    }

    private final Map<String, TunnelAccess> access = new ConcurrentHashMap<>();

    void register(String key, InetSocketAddress backend) {
        register(key, backend, TunnelAccess.PUBLIC);
    }

    void register(String key, InetSocketAddress backend, TunnelAccess tunnelAccess) {
        backends.put(key, backend);
        access.put(key, tunnelAccess);
    }

    private final Map<String, String> injections = new ConcurrentHashMap<>();
    private final Map<String, String> publicKeys = new ConcurrentHashMap<>();
    private final Map<String, KeyOwner> owners = new ConcurrentHashMap<>();

    /** A private tunnel whose key belongs to {@code owner} (authMode sso). */
    void registerPrivate(String key, InetSocketAddress backend, String publicKeyLine, KeyOwner owner) {
        owners.put(key, owner);
        registerPrivate(key, backend, publicKeyLine);
    }

    /** A private tunnel whose client logged in with this key (an OpenSSH public key line). */
    void registerPrivate(String key, InetSocketAddress backend, String publicKeyLine) {
        publicKeys.put(key, publicKeyLine);
        register(key, backend, TunnelAccess.PRIVATE);
    }

    /** A public tunnel whose request string carried {@code inject=} with this (decoded) JSON array. */
    void registerWithInjection(String key, InetSocketAddress backend, String injectJson) {
        injections.put(key, injectJson);
        register(key, backend, TunnelAccess.PUBLIC);
    }

    @Override
    public Optional<TunnelInfo> findTunnel(String tunnelKey) {
        return backends.containsKey(tunnelKey) ? Optional.of(info(tunnelKey)) : Optional.empty();
    }

    private TunnelInfo info(String key) {
        return new TunnelInfo(key, "abc12345", "env", "/" + key, access.get(key), null, injections.get(key),
                "http://" + key + ".gw.test/", Instant.now(), "SHA256:socket-tunnel-factory", owners.get(key),
                publicKeys.getOrDefault(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISocketTunnelFactory"));
    }

    @Override
    public List<TunnelInfo> tunnels() {
        return backends.keySet().stream().map(this::info).toList();
    }

    @Override
    public List<TunnelInfo> localTunnels() {
        return tunnels();
    }

    // Key authorities and revocation belong to the SSH side, which these stream tests replace with plain sockets.

    @Override
    public void useKeyAuthority(KeyAuthority authority) {
        throw new UnsupportedOperationException("no SSH logins in the socket test factory");
    }

    @Override
    public void clearKeyAuthority(KeyAuthority authority) {
        throw new UnsupportedOperationException("no SSH logins in the socket test factory");
    }

    @Override
    public int disconnectKey(String fingerprint, String reason) {
        throw new UnsupportedOperationException("no SSH logins in the socket test factory");
    }

    @Override
    public int disconnectOwner(String subject, String reason) {
        throw new UnsupportedOperationException("no SSH logins in the socket test factory");
    }

    @Override
    public TunnelConnection getConnection(String tunnelKey) throws TunnelException {
        InetSocketAddress backend = backends.get(tunnelKey);
        if (backend == null) {
            throw new TunnelException(TunnelException.Reason.NO_TUNNEL, "no tunnel " + tunnelKey);
        }
        SocketTunnelConnection pooled = idle.computeIfAbsent(tunnelKey, k -> new ConcurrentLinkedDeque<>()).poll();
        if (pooled != null) {
            pooled.reuse();
            return pooled;
        }
        try {
            AsynchronousSocketChannel channel = AsynchronousSocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(backend).get(5, TimeUnit.SECONDS);
            SocketTunnelConnection connection = new SocketTunnelConnection(this, info(tunnelKey), channel);
            opened.add(connection);
            return connection;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectException) {
                throw new TunnelException(TunnelException.Reason.REFUSED_BY_CLIENT, "refused", e.getCause());
            }
            throw new TunnelException(TunnelException.Reason.UNAVAILABLE, "connect failed", e.getCause());
        } catch (IOException | TimeoutException e) {
            throw new TunnelException(TunnelException.Reason.UNAVAILABLE, "connect failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelException(TunnelException.Reason.UNAVAILABLE, "interrupted", e);
        }
    }

    @Override
    public GatewaySettings settings() {
        return settings;
    }

    private void recycled(SocketTunnelConnection connection) {
        idle.computeIfAbsent(connection.tunnel().key(), k -> new ConcurrentLinkedDeque<>()).add(connection);
    }

    /** Closes every pooled connection, as the adapter does when it stops. */
    void closeAll() {
        opened.forEach(SocketTunnelConnection::close);
    }

    static final class SocketTunnelConnection implements TunnelConnection {

        private final SocketTunnelFactory factory;
        private final TunnelInfo tunnel;
        private final AsynchronousSocketChannel channel;
        private final AtomicBoolean closed = new AtomicBoolean();
        volatile boolean reused;
        volatile int recycles;
        volatile int exchanges = 1;

        SocketTunnelConnection(SocketTunnelFactory factory, TunnelInfo tunnel, AsynchronousSocketChannel channel) {
            this.factory = factory;
            this.tunnel = tunnel;
            this.channel = channel;
        }

        void reuse() {
            reused = true;
            exchanges++;
        }

        boolean isClosed() {
            return closed.get();
        }

        @Override
        public TunnelInfo tunnel() {
            return tunnel;
        }

        @Override
        public boolean isReused() {
            return reused;
        }

        @Override
        public void read(ByteBuffer dst, IoCallback<Integer> callback) {
            channel.read(dst, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer result, Void attachment) {
                    callback.completed(result);
                }

                @Override
                public void failed(Throwable exc, Void attachment) {
                    callback.failed(exc);
                }
            });
        }

        @Override
        public void write(ByteBuffer src, IoCallback<Void> callback) {
            channel.write(src, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer result, Void attachment) {
                    if (src.hasRemaining()) {
                        channel.write(src, null, this);
                    } else {
                        callback.completed(null);
                    }
                }

                @Override
                public void failed(Throwable exc, Void attachment) {
                    callback.failed(exc);
                }
            });
        }

        @Override
        public void shutdownOutput() {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                close();
            }
        }

        @Override
        public void recycle() {
            recycles++;
            factory.recycled(this);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a socket: nothing left to do
                }
            }
        }
    }

    // Clusters and tunnel observers belong to the SSH side too: these tests have neither.
    @Override
    public void useTunnelCluster(TunnelCluster cluster) {
        throw new UnsupportedOperationException("no cluster in the socket test factory");
    }

    @Override
    public void clearTunnelCluster(TunnelCluster cluster) {
        throw new UnsupportedOperationException("no cluster in the socket test factory");
    }

    @Override
    public void observeTunnels(TunnelObserver observer) {
        throw new UnsupportedOperationException("no SSH tunnels in the socket test factory");
    }

    @Override
    public void stopObserving(TunnelObserver observer) {
        throw new UnsupportedOperationException("no SSH tunnels in the socket test factory");
    }
}
