package dev.gangway.connector.ssh;

import dev.gangway.connector.api.IoCallback;
import dev.gangway.connector.tunnel.ClientIds;
import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelStream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-pressure through the SSH window, with a real MINA client on tiny windows (2048-byte window, 256-byte packets)
 * and real backends: whatever a slow side does, what the server holds per stream stays within the channel window,
 * and nothing is lost once the slow side catches up.
 */
class FlowControlTest {

    private static final int WINDOW = 64 * 1024;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private SshTunnelServer server;
    private SshClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.stop();
        }
    }

    private Tunnel startWithTunnel(String name, int backendPort) throws Exception {
        SshSettings base = TestSsh.settings(dir, AuthMode.OPEN, null);
        server = TestSsh.start(new SshSettings(base.bindAddress(), 0, base.baseUrl(), base.hostKeyFile(),
                AuthMode.OPEN, null, base.keepaliveInterval(), 3, base.takeoverCheckTimeout(), false, base.ciphers(),
                Duration.ZERO, WINDOW));
        client = TestSsh.client();
        KeyPair key = TestSsh.ed25519();
        ClientSession session = TestSsh.login(client, server.port(), "env1", key);
        session.startRemotePortForwarding(new SshdSocketAddress(name, 80), new SshdSocketAddress("127.0.0.1", backendPort));
        String tunnelKey = TunnelKeys.key(name, ClientIds.fromPublicKey(key.getPublic()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            var tunnel = server.registry().find(tunnelKey);
            if (tunnel.isPresent()) {
                return tunnel.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no tunnel " + tunnelKey);
    }

    @Test
    void streamsNobodyReadsHoldNoMoreThanTheirWindowsInTheServer() throws Exception {
        int streams = 40;
        long perStream = 256 * MIB;
        List<AtomicLong> written = new ArrayList<>();
        AtomicLong total = new AtomicLong();
        try (Backends.Backend source = new Backends.Backend(socket -> {
            AtomicLong mine = new AtomicLong();
            synchronized (written) {
                written.add(mine);
            }
            var out = socket.getOutputStream();
            byte[] chunk = new byte[16384];
            for (long sent = 0; sent < perStream; sent += chunk.length) {
                out.write(chunk);
                mine.addAndGet(chunk.length);
                total.addAndGet(chunk.length);
            }
        })) {
            Tunnel tunnel = startWithTunnel("bulk", source.port());
            long heapBefore = usedHeapAfterGc();
            List<TunnelStream> opened = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                opened.add(tunnel.openStream(TestSsh.TIMEOUT));
            }
            long stalledAt = awaitStall(total);
            long heapGrowth = usedHeapAfterGc() - heapBefore;

            // The backends stopped at the windows and socket buffers, far below what they would send.
            assertTrue(stalledAt < streams * 16 * MIB, "backends wrote " + stalledAt + " bytes without a reader");
            // What the server (and the in-JVM client) hold: bounded by the windows, plus a fixed allowance for the
            // channels, sessions and buffers themselves; unbounded buffering would be gigabytes.
            long bound = (long) streams * WINDOW + 16 * MIB;
            assertTrue(heapGrowth < bound, "heap grew by " + heapGrowth + " bytes, bound " + bound);

            // Then a reader drains one stream completely: nothing was lost while it waited.
            TunnelStream first = opened.get(0);
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            long read = 0;
            while (read < 8 * MIB) {
                buffer.clear();
                read += StreamIo.read(first, buffer);
            }
            opened.forEach(TunnelStream::close);
        }
    }

    @Test
    void anUploadToAServiceThatDoesNotReadWaitsWithOneBufferInTheServer() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        AtomicBoolean intact = new AtomicBoolean(true);
        try (Backends.Backend sink = Backends.lateSink(release, received, intact)) {
            Tunnel tunnel = startWithTunnel("upload", sink.port());
            TunnelStream stream = tunnel.openStream(TestSsh.TIMEOUT);
            long total = 12 * MIB;
            Uploader uploader = new Uploader(stream, total);
            uploader.next();

            long stalledAt = awaitStall(uploader.completed);
            // The client's window and the kernel's socket buffers towards the service, nothing more: the server
            // itself holds the one write that waits for window.
            assertTrue(stalledAt < 8 * MIB, "the server took " + stalledAt + " bytes the service never read");
            assertTrue(uploader.pending.get(), "one write waits for the window");
            Thread.sleep(1000);
            assertTrue(uploader.completed.get() < 8 * MIB, "and waits: " + uploader.completed.get());

            release.complete(null);
            uploader.done.get(60, TimeUnit.SECONDS);
            stream.shutdownOutput();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(total, received.get(), "every byte reached the service");
            assertTrue(intact.get(), "in order and unchanged");
            stream.close();
        }
    }

    /** Writes {@code total} bytes (byte i = i mod 251), the next write only from the previous one's callback. */
    private static final class Uploader {
        final TunnelStream stream;
        final long total;
        final AtomicLong completed = new AtomicLong();
        final AtomicBoolean pending = new AtomicBoolean();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Uploader(TunnelStream stream, long total) {
            this.stream = stream;
            this.total = total;
        }

        void next() {
            long offset = completed.get();
            if (offset >= total) {
                done.complete(null);
                return;
            }
            int n = (int) Math.min(16384, total - offset);
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i++) {
                chunk[i] = (byte) ((offset + i) % 251);
            }
            pending.set(true);
            stream.write(ByteBuffer.wrap(chunk), new IoCallback<>() {
                @Override
                public void completed(Void result) {
                    pending.set(false);
                    completed.addAndGet(n);
                    next();
                }

                @Override
                public void failed(Throwable cause) {
                    done.completeExceptionally(cause);
                }
            });
        }
    }

    private static long awaitStall(AtomicLong progress) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 100; i++) {
            Thread.sleep(300);
            long now = progress.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("never stalled: " + progress.get());
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
