import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket load for benchmark/run.sh: opens N WebSockets to one URL, each exchanging small text messages with an
 * echo service, and prints the figures as "WSLOAD ..." lines.
 *
 * <p>Run as a single file, JDK only: {@code java -Djdk.httpclient.allowRestrictedHeaders=host WsLoad.java --url ...}
 * (the property lets {@code --host} set the Host header, which is how a tunnel is chosen while connecting to
 * 127.0.0.1: the JVM's resolver does not map {@code *.localhost}).
 *
 * <p>Phases, on the same sockets: warm-up (closed loop, not recorded); closed loop (each socket sends, awaits the
 * echo, sends the next: the highest message rate the route sustains, and the round trip at that saturation, which by
 * Little's law is about N / rate); paced (each socket sends {@code --rate} messages per second at fixed intervals
 * with a random phase, round trip measured from the intended send time, so a stalled route is not hidden by sending
 * less: the round trip at a load every route can carry); drain (each socket stops after its echo). Then, with
 * {@code --hold-file F}, the sockets stay open and idle: the program creates F.ready and waits for F.release, so
 * that the caller can measure the proxy's memory with N sockets open. Finally each socket is closed with a close
 * handshake.
 *
 * <p>Every echo is compared with what was sent (socket id and sequence number in the payload), so a route that
 * loses, mixes or corrupts messages shows as mismatches, not as speed.
 */
public final class WsLoad {

    enum Phase { WARMUP, CLOSED, PACED, DRAIN }

    private final URI uri;
    private final String host;
    private final int connections;
    private final int messageSize;
    private final double ratePerConnection;
    private final List<HttpClient> clients = new ArrayList<>();
    private final ExecutorService executor;
    private final ScheduledExecutorService pacer;

    private volatile Phase phase = Phase.WARMUP;
    private volatile long closedStart = Long.MAX_VALUE;
    private volatile long closedEnd = Long.MAX_VALUE;
    private volatile long pacedStart = Long.MAX_VALUE;
    private volatile long pacedEnd = Long.MAX_VALUE;

    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger unexpectedCloses = new AtomicInteger();
    private final AtomicInteger mismatches = new AtomicInteger();
    /** What broke the first socket that broke, for the report. */
    private volatile String firstBreak;
    private final String filler;

    WsLoad(Map<String, String> args) {
        uri = URI.create(required(args, "url"));
        host = args.get("host");
        connections = Integer.parseInt(args.getOrDefault("connections", "1000"));
        messageSize = Integer.parseInt(args.getOrDefault("size", "64"));
        ratePerConnection = Double.parseDouble(args.getOrDefault("rate", "1"));
        int clientCount = Integer.parseInt(args.getOrDefault("clients", "2"));
        // Two threads run every listener callback: the generator shares two cores with everything it measures, and
        // a cached pool (the HttpClient default) would grow a thread per burst. Callbacks never block.
        executor = Executors.newFixedThreadPool(2, daemon("wsload-callback"));
        pacer = Executors.newSingleThreadScheduledExecutor(daemon("wsload-pacer"));
        // Each HttpClient has one selector thread; two spread the socket I/O over both cores.
        for (int i = 0; i < clientCount; i++) {
            clients.add(HttpClient.newBuilder().executor(executor).build());
        }
        filler = "x".repeat(Math.max(0, messageSize));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        WsLoad load = new WsLoad(args);
        int status = load.run(Double.parseDouble(args.getOrDefault("warmup", "5")),
                Double.parseDouble(args.getOrDefault("duration", "20")),
                Integer.parseInt(args.getOrDefault("open-concurrency", "64")),
                args.get("hold-file"));
        System.exit(status);
    }

    int run(double warmupSeconds, double durationSeconds, int openConcurrency, String holdFile) throws Exception {
        List<Conn> open = openAll(openConcurrency);
        if (open.isEmpty()) {
            System.out.println("WSLOAD health errors=" + errors + " unexpected_closes=0 mismatches=0 stalled=0");
            return 1;
        }
        for (Conn c : open) {
            c.sendNext(System.nanoTime(), Phase.WARMUP);
        }
        sleep(warmupSeconds);
        closedStart = System.nanoTime();
        closedEnd = closedStart + seconds(durationSeconds);
        phase = Phase.CLOSED;
        sleepUntil(closedEnd);
        // The paced phase starts from quiet sockets: otherwise its first due times would wait behind the closed
        // loop's last messages and measure that queue instead of the route.
        phase = Phase.DRAIN;
        int stalled = awaitDrained(open, 15);
        if (ratePerConnection > 0) {
            long interval = (long) (1e9 / ratePerConnection);
            pacedStart = System.nanoTime();
            pacedEnd = pacedStart + seconds(durationSeconds);
            phase = Phase.PACED;
            for (Conn c : open) {
                c.startPaced(pacedStart + (long) (ThreadLocalRandom.current().nextDouble() * interval), interval);
            }
            sleepUntil(pacedEnd);
            phase = Phase.DRAIN;
            stalled += awaitDrained(open, 15);
        }

        report("closed", open, Phase.CLOSED, closedEnd - closedStart, "");
        if (ratePerConnection > 0) {
            report("paced", open, Phase.PACED, pacedEnd - pacedStart, String.format(Locale.ROOT,
                    " rate_per_conn=%s offered_per_s=%.0f", trim(ratePerConnection), ratePerConnection * open.size()));
        }
        System.out.printf(Locale.ROOT, "WSLOAD health errors=%d unexpected_closes=%d mismatches=%d stalled=%d%n",
                errors.get(), unexpectedCloses.get(), mismatches.get(), stalled);
        if (firstBreak != null) {
            System.out.println("WSLOAD first_break " + firstBreak);
        }
        System.out.flush();

        if (holdFile != null) {
            hold(Path.of(holdFile));
        }
        closeAll(open);
        return 0;
    }

    // ---- opening

    private List<Conn> openAll(int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        List<Conn> all = new ArrayList<>();
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            permits.acquire();
            Conn c = new Conn(i);
            all.add(c);
            WebSocket.Builder builder = clients.get(i % clients.size()).newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30));
            if (host != null) {
                builder.header("Host", host);
            }
            c.openStarted = System.nanoTime();
            CompletableFuture<WebSocket> f = builder.buildAsync(uri, c);
            f.whenComplete((ws, failure) -> {
                permits.release();
                if (failure == null) {
                    c.openedAfter = System.nanoTime() - c.openStarted;
                }
            });
            pending.add(f);
        }
        List<Conn> open = new ArrayList<>();
        int failed = 0;
        String firstFailure = null;
        for (int i = 0; i < pending.size(); i++) {
            try {
                all.get(i).ws = pending.get(i).get(60, TimeUnit.SECONDS);
                open.add(all.get(i));
            } catch (Exception e) {
                failed++;
                if (firstFailure == null) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    firstFailure = cause.toString().replace('\n', ' ');
                }
            }
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        long[] handshakes = open.stream().mapToLong(c -> c.openedAfter).sorted().toArray();
        System.out.printf(Locale.ROOT,
                "WSLOAD open connections=%d opened=%d failed=%d seconds=%.2f handshake_p50_ms=%.3f handshake_p99_ms=%.3f%n",
                connections, open.size(), failed, openSeconds, percentileMs(handshakes, 50), percentileMs(handshakes, 99));
        if (firstFailure != null) {
            System.out.println("WSLOAD first_open_failure " + firstFailure);
        }
        System.out.flush();
        return open;
    }

    // ---- the end

    private int awaitDrained(List<Conn> open, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds(seconds);
        while (System.nanoTime() < deadline) {
            if (open.stream().noneMatch(c -> c.inFlight && !c.dead)) {
                return 0;
            }
            Thread.sleep(50);
        }
        return (int) open.stream().filter(c -> c.inFlight && !c.dead).count();
    }

    private static void hold(Path holdFile) throws IOException, InterruptedException {
        Path ready = Path.of(holdFile + ".ready");
        Path release = Path.of(holdFile + ".release");
        Files.writeString(ready, "ready\n");
        long deadline = System.nanoTime() + seconds(300);
        while (!Files.exists(release) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private void closeAll(List<Conn> open) throws InterruptedException {
        phase = Phase.DRAIN;
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (Conn c : open) {
            if (c.dead) {
                continue;
            }
            c.closing = true;
            acks.add(c.closedByPeer);
            c.lastSend = c.lastSend.handle((ws, e) -> null)
                    .thenCompose(ignored -> c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
        }
        long deadline = System.nanoTime() + seconds(15);
        int acknowledged = 0;
        for (CompletableFuture<Void> ack : acks) {
            try {
                ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                acknowledged++;
            } catch (Exception e) {
                // counted below as not acknowledged
            }
        }
        for (Conn c : open) {
            c.ws.abort();
        }
        System.out.printf(Locale.ROOT, "WSLOAD close sent=%d acknowledged=%d%n", acks.size(), acknowledged);
        System.out.flush();
    }

    private void noteBreak(String what) {
        if (firstBreak == null) {
            firstBreak = what.replace('\n', ' ');
        }
    }

    // ---- figures

    private void report(String name, List<Conn> open, Phase which, long windowNanos, String extra) {
        int total = 0;
        for (Conn c : open) {
            total += c.samples(which).size;
        }
        long[] all = new long[total];
        int at = 0;
        for (Conn c : open) {
            LongList list = c.samples(which);
            System.arraycopy(list.values, 0, all, at, list.size);
            at += list.size;
        }
        Arrays.sort(all);
        double seconds = windowNanos / 1e9;
        System.out.printf(Locale.ROOT,
                "WSLOAD %s messages=%d seconds=%.2f msgs_per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f%s%n",
                name, total, seconds, total / seconds, percentileMs(all, 50), percentileMs(all, 99),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e6, extra);
    }

    private static double percentileMs(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
    }

    // ---- one socket

    /** One WebSocket: at most one message in flight; its echo decides what comes next. */
    private final class Conn implements WebSocket.Listener {
        final int id;
        volatile WebSocket ws;
        long openStarted;
        long openedAfter;
        volatile CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
        final CompletableFuture<Void> closedByPeer = new CompletableFuture<>();
        volatile boolean inFlight;
        volatile boolean dead;
        volatile boolean closing;
        private long seq;
        private String expected;
        /** When the message in flight was sent, or was due to be sent when paced. */
        private long sentAt;
        private Phase sentIn;
        private long nextDue;
        private long interval;
        private final StringBuilder partial = new StringBuilder();
        private final LongList closedSamples = new LongList();
        private final LongList pacedSamples = new LongList();

        Conn(int id) {
            this.id = id;
        }

        LongList samples(Phase which) {
            return which == Phase.CLOSED ? closedSamples : pacedSamples;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        /** @param in the phase the caller decided in: read once, so that a phase change in between cannot mix rules */
        void sendNext(long due, Phase in) {
            if (dead || closing || (in == Phase.PACED && phase == Phase.DRAIN)) {
                inFlight = false;
                return;
            }
            seq++;
            String prefix = id + ":" + seq + ":";
            expected = prefix + filler.substring(0, Math.max(0, messageSize - prefix.length()));
            sentAt = due;
            sentIn = in;
            inFlight = true;
            String message = expected;
            // The JDK refuses a send while the previous one is incomplete, and the echo of this message may arrive
            // (and call sendNext on another thread) before sendText even returns: so the next send's gate is
            // published first, and opened only once this send completed.
            CompletableFuture<WebSocket> previous = lastSend;
            CompletableFuture<WebSocket> done = new CompletableFuture<>();
            lastSend = done;
            previous.thenCompose(w -> ws.sendText(message, true)).whenComplete((w, failure) -> {
                if (failure != null) {
                    fail(failure);
                    done.completeExceptionally(failure);
                } else {
                    done.complete(w);
                }
            });
        }

        void startPaced(long firstDue, long interval) {
            this.interval = interval;
            inFlight = true;
            schedule(firstDue, System.nanoTime());
        }

        /** Sends at due, or now if due has passed: a late send's round trip still counts from when it was due. */
        private void schedule(long due, long now) {
            nextDue = due;
            if (due <= now) {
                sendNext(due, Phase.PACED);
            } else {
                pacer.schedule(() -> sendNext(due, Phase.PACED), due - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            webSocket.request(1);
            if (!last) {
                return null;
            }
            long now = System.nanoTime();
            // A volatile read: what sendNext wrote before setting inFlight (on another thread) is visible from here.
            boolean wasInFlight = inFlight;
            String echo = partial.toString();
            partial.setLength(0);
            if (!wasInFlight || !echo.equals(expected)) {
                mismatches.incrementAndGet();
                noteBreak("socket " + id + ": echo '" + echo + "' where '" + expected + "' was due");
                dead = true;
                inFlight = false;
                webSocket.abort();
                return null;
            }
            record(now);
            Phase p = phase;
            if (p == Phase.DRAIN) {
                inFlight = false;
            } else if (p == Phase.PACED) {
                schedule(nextDue + interval, now);
            } else {
                sendNext(now, p);
            }
            return null;
        }

        private void record(long now) {
            if (now >= closedStart && now < closedEnd) {
                closedSamples.add(now - sentAt);
            } else if (sentIn == Phase.PACED && now >= pacedStart && now < pacedEnd) {
                pacedSamples.add(now - sentAt);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closing) {
                unexpectedCloses.incrementAndGet();
                noteBreak("socket " + id + ": closed by the peer with " + statusCode + " " + reason);
                dead = true;
            }
            inFlight = false;
            closedByPeer.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(error);
        }

        private void fail(Throwable error) {
            if (!dead && !closing) {
                errors.incrementAndGet();
                noteBreak("socket " + id + ": " + error);
            }
            dead = true;
            inFlight = false;
            closedByPeer.complete(null);
        }
    }

    /** A growable list of longs: one per connection, written by one thread at a time, read after the phase. */
    private static final class LongList {
        long[] values = new long[256];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    // ---- plumbing

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        return args;
    }

    private static String required(Map<String, String> args, String name) {
        String v = args.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    private static void sleep(double s) throws InterruptedException {
        sleepUntil(System.nanoTime() + seconds(s));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
