package dev.gangway.it.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.dmr.ModelNode;

/**
 * What the running server holds open, read through the management API as an operator would: Gangway's own
 * statistics (SSH connections, tunnels, channels, visitor streams), the pool's managed connections, and the server
 * JVM's threads and heap. For leak checks: take a {@link #read() snapshot} before a fault, then
 * {@link #awaitBaseline(Snapshot)} after it to see everything come back.
 *
 * <p>Addresses (README: Statistics):
 * <ul>
 *   <li>{@link #EXTENDED}: {@code SshConnections}, {@code Tunnels}, {@code OpenChannels}, {@code ActiveStreams}
 *       (ints), {@code ChannelsOpened}, {@code Streams}, {@code BytesToServices}, {@code BytesFromServices} (longs),
 *       {@code TunnelList} (a JSON array, one object per tunnel);</li>
 *   <li>{@link #POOL}: IronJacamar's pool statistics, e.g. {@code InUseCount}, {@code ActiveCount};</li>
 *   <li>{@code /core-service=platform-mbean/type=threading} and {@code type=memory}.</li>
 * </ul>
 */
public final class ServerGauges {

    /** Gangway's statistics: {@code /subsystem=resource-adapters/resource-adapter=gangway/connection-definitions=tunnels/statistics=extended}. */
    public static final String[] EXTENDED = {"subsystem", "resource-adapters", "resource-adapter", "gangway",
            "connection-definitions", "tunnels", "statistics", "extended"};
    /** The pool's statistics of the same connection definition. */
    public static final String[] POOL = {"subsystem", "resource-adapters", "resource-adapter", "gangway",
            "connection-definitions", "tunnels", "statistics", "pool"};
    private static final String[] THREADING = {"core-service", "platform-mbean", "type", "threading"};
    private static final String[] MEMORY = {"core-service", "platform-mbean", "type", "memory"};
    private static final String[] OPERATING_SYSTEM = {"core-service", "platform-mbean", "type", "operating-system"};

    /**
     * Threads the SSH server owns: {@code gangway-ssh-timer}, and MINA's names for the pools the server gives it,
     * {@code sshd-gangway-ssh-io-thread-*} and {@code sshd-gangway-ssh-resume-thread-*}.
     */
    private static final List<String> OWN_THREADS = List.of("gangway-", "sshd-");
    /**
     * Server pools that grow under load and shrink only after an idle timeout (Undertow's workers, the management
     * executors these very reads use, the deployment and transaction helpers): counted in {@code liveThreads} only.
     */
    private static final List<String> ELASTIC_THREADS = List.of("default task-", "management-handler-thread",
            "External Management Request Threads", "management task-", "ServerService Thread Pool",
            "Transaction Reaper Worker", "Reference Reaper", "DeploymentScanner-threads");
    /** Other server threads may come and go by a few (GC helpers, timers) without anything having leaked. */
    public static final int OTHER_THREADS_TOLERANCE = 3;
    /** The server's processor count, which sizes MINA's pools; read once. */
    private static volatile int processors;

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private ServerGauges() {
    }

    /**
     * One reading.
     *
     * @param sshConnections open SSH connections, logged in or not ({@code SshConnections})
     * @param tunnels        registered tunnels ({@code Tunnels})
     * @param openChannels   SSH channels to tunnel clients: in use, kept for reuse, or being opened ({@code OpenChannels})
     * @param activeStreams  visitor streams in flight ({@code ActiveStreams})
     * @param poolInUse      managed connections handed out ({@code InUseCount} of the pool)
     * @param poolActive     managed connections that exist, in use or idle ({@code ActiveCount}); idle ones stay until
     *                       the pool's idle timeout (1 minute), so this is not compared with a baseline
     * @param ownThreads     live threads of the SSH server ({@code gangway-*}, {@code sshd-*}). Its two MINA pools are
     *                       fixed-size but start their threads on first use, so this may grow up to
     *                       {@code ownThreadCeiling}, never beyond, and never shrinks
     * @param ownThreadCeiling the most the SSH server may have: its timer, and an I/O pool and a resume pool of
     *                       MINA's default size each (processors + 1)
     * @param otherThreads   live threads outside Gangway and outside the server's elastic pools
     * @param liveThreads    every live thread of the server JVM
     * @param heapUsed       bytes of heap in use (informational: depends on the GC)
     */
    public record Snapshot(int sshConnections, int tunnels, int openChannels, int activeStreams, int poolInUse,
                           int poolActive, int ownThreads, int ownThreadCeiling, int otherThreads, int liveThreads,
                           long heapUsed) {

        /**
         * What is still above {@code baseline}, one line per gauge; empty when everything is back. Only excess counts:
         * a leak leaves more open than before, while fewer only means something from before the baseline (a previous
         * test's connection still closing) has ended since.
         */
        public List<String> differencesFrom(Snapshot baseline) {
            List<String> out = new ArrayList<>();
            notAbove(out, "SshConnections", sshConnections, baseline.sshConnections);
            notAbove(out, "Tunnels", tunnels, baseline.tunnels);
            notAbove(out, "OpenChannels", openChannels, baseline.openChannels);
            notAbove(out, "ActiveStreams", activeStreams, baseline.activeStreams);
            notAbove(out, "pool InUseCount", poolInUse, baseline.poolInUse);
            int ownLimit = Math.max(baseline.ownThreads, ownThreadCeiling);
            if (ownThreads > ownLimit) {
                out.add("SSH server threads " + ownThreads + ", at most " + ownLimit + " (baseline "
                        + baseline.ownThreads + ", its fixed pools' ceiling " + ownThreadCeiling + ")");
            }
            if (otherThreads > baseline.otherThreads + OTHER_THREADS_TOLERANCE) {
                out.add("other threads " + otherThreads + ", baseline " + baseline.otherThreads + " (tolerance "
                        + OTHER_THREADS_TOLERANCE + ")");
            }
            return out;
        }

        private static void notAbove(List<String> out, String name, int now, int baseline) {
            if (now > baseline) {
                out.add(name + " " + now + ", baseline " + baseline);
            }
        }
    }

    /** Reads every gauge of the IT server once (four management operations). */
    public static Snapshot read() throws IOException {
        return readOn(ItServer.managementPort());
    }

    /** As {@link #read}, on the server whose management HTTP port is {@code managementPort} (cluster ITs). */
    public static Snapshot readOn(int managementPort) throws IOException {
        ModelNode extended = extendedStatistics(managementPort);
        ModelNode pool = ManagementApi.resultOn(managementPort, "read-resource", POOL, "include-runtime", true);
        ThreadCounts threads = threads(managementPort);
        long heapUsed = ManagementApi.resultOn(managementPort, "read-attribute", MEMORY, "name", "heap-memory-usage")
                .get("used").asLong();
        return new Snapshot(extended.get("SshConnections").asInt(), extended.get("Tunnels").asInt(),
                extended.get("OpenChannels").asInt(), extended.get("ActiveStreams").asInt(),
                pool.get("InUseCount").asInt(), pool.get("ActiveCount").asInt(),
                threads.own, 1 + 2 * (processors(managementPort) + 1), threads.other, threads.live, heapUsed);
    }

    /** Polls for up to 30 s until {@link Snapshot#differencesFrom} the baseline is empty; fails naming what is not. */
    public static Snapshot awaitBaseline(Snapshot baseline) throws Exception {
        return awaitBaseline(baseline, DEFAULT_TIMEOUT);
    }

    public static Snapshot awaitBaseline(Snapshot baseline, Duration timeout) throws Exception {
        return awaitBaselineOn(ItServer.managementPort(), baseline, timeout);
    }

    /** As {@link #awaitBaseline(Snapshot, Duration)}, on the server whose management HTTP port is given. */
    public static Snapshot awaitBaselineOn(int managementPort, Snapshot baseline, Duration timeout) throws Exception {
        try {
            return Poll.until(timeout, POLL_INTERVAL, "back at the baseline " + baseline,
                    () -> readOn(managementPort), now -> now.differencesFrom(baseline).isEmpty());
        } catch (AssertionError notBack) {
            Snapshot now = readOn(managementPort);
            throw new AssertionError("not back at the baseline within " + timeout + ": "
                    + String.join("; ", now.differencesFrom(baseline)) + "\nbaseline " + baseline + "\nnow      " + now
                    + "\ntunnels  " + extendedStatistics(managementPort).get("TunnelList").asString()
                    + "\nthreads  " + threadNames(managementPort), notBack);
        }
    }

    /** Every metric of {@link #EXTENDED}, as {@code read-resource(include-runtime=true)} returns them. */
    public static ModelNode extendedStatistics() throws IOException {
        return extendedStatistics(ItServer.managementPort());
    }

    private static ModelNode extendedStatistics(int managementPort) throws IOException {
        return ManagementApi.resultOn(managementPort, "read-resource", EXTENDED, "include-runtime", true);
    }

    /** Every metric of {@link #POOL}. */
    public static ModelNode poolStatistics() throws IOException {
        return ManagementApi.result("read-resource", POOL, "include-runtime", true);
    }

    /** {@code TunnelList}, parsed: one object per live tunnel (see README for the fields). */
    public static List<ModelNode> tunnels() throws IOException {
        String json = ManagementApi.result("read-attribute", EXTENDED, "name", "TunnelList").asString();
        return ModelNode.fromJSONString(json).asList();
    }

    /** The {@code TunnelList} entry of the tunnel with this key, if it is live. */
    public static Optional<ModelNode> tunnel(String key) throws IOException {
        return tunnels().stream().filter(t -> key.equals(t.get("key").asString())).findFirst();
    }

    private record ThreadCounts(int own, int other, int live) {
    }

    private static int processors(int managementPort) throws IOException {
        if (processors == 0) {
            processors = ManagementApi.resultOn(managementPort, "read-attribute", OPERATING_SYSTEM,
                    "name", "available-processors").asInt();
        }
        return processors;
    }

    private static ThreadCounts threads(int managementPort) throws IOException {
        ModelNode dump = ManagementApi.resultOn(managementPort, "dump-all-threads", THREADING, "locked-monitors", false,
                "locked-synchronizers", false);
        int own = 0;
        int elastic = 0;
        List<ModelNode> all = dump.asList();
        for (ModelNode thread : all) {
            String name = thread.get("thread-name").asString();
            if (OWN_THREADS.stream().anyMatch(name::startsWith)) {
                own++;
            } else if (ELASTIC_THREADS.stream().anyMatch(name::startsWith)) {
                elastic++;
            }
        }
        return new ThreadCounts(own, all.size() - own - elastic, all.size());
    }

    /** Names of the server's live threads, for a failure message or a look at what a fault left behind. */
    public static List<String> threadNames() throws IOException {
        return threadNames(ItServer.managementPort());
    }

    private static List<String> threadNames(int managementPort) throws IOException {
        return ManagementApi.resultOn(managementPort, "dump-all-threads", THREADING, "locked-monitors", false,
                "locked-synchronizers", false).asList().stream().map(t -> t.get("thread-name").asString()).sorted()
                .toList();
    }
}
