package dev.gangway.it.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.dmr.ModelNode;

/**
 * A real headless browser for the ITs: Debian's {@code chromium} driven through its {@code chromedriver} with the W3C
 * WebDriver protocol, spoken here with the JDK's HTTP client and jboss-dmr's JSON.
 *
 * <p>Why not Selenium: the ITs need a handful of commands (new session, navigate, execute async script, cookies, quit,
 * status), which are a few lines of JSON over HTTP each; Selenium would add a dozen jars and Selenium Manager, whose
 * job is to fetch browsers and drivers at run time, which these tests must never do. Both programs come from Debian
 * packages ({@code .ci/run} installs them) and are used from fixed paths only.
 *
 * <p>Each instance is a chromedriver on a free loopback port, one session, and a fresh profile directory; {@link
 * #close()} ends the session, the driver and any browser process left behind, and deletes the profile.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Browser start on a busy 2-core machine takes seconds; a script that waits for a page gets this long. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(20);

    private static final List<String> ARGS = List.of(
            "--headless",
            "--no-sandbox",                     // the tests may run as root, where the sandbox refuses to start
            "--disable-gpu",
            "--disable-dev-shm-usage",          // containers often have a tiny /dev/shm
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking", // no update, safe-browsing or metrics calls: the network is closed
            "--disable-component-update",
            "--disable-sync",
            "--no-proxy-server");               // a CI proxy variable must not route loopback test traffic

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Process driver;
    private final Path dir;
    private final URI base;
    private String sessionId;

    private HeadlessChromium(Process driver, Path dir, int port) {
        this.driver = driver;
        this.dir = dir;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** Whether the Debian packages are installed; tests use it to skip, and CI installs both so that none skips. */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Skips the calling test, saying what to install, where the Debian packages are missing. */
    public static void assumeInstalled() {
        assumeTrue(available(), "needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver; .ci/run does)");
    }

    /** Starts chromedriver, waits until it is ready, and opens a browser session. */
    public static HeadlessChromium start() throws Exception {
        Path dir = Files.createTempDirectory("gangway-it-chromium");
        int port = freePort();
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port,
                "--log-path=" + dir.resolve("chromedriver.log"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromedriver.out").toFile())
                .start();
        HeadlessChromium chromium = new HeadlessChromium(driver, dir, port);
        try {
            chromium.awaitReady();
            chromium.newSession();
            return chromium;
        } catch (Exception | AssertionError e) {
            chromium.close();
            throw e;
        }
    }

    private void awaitReady() throws Exception {
        Poll.until(Duration.ofSeconds(20), Duration.ofMillis(100), "chromedriver ready on " + base + describe(),
                () -> {
                    if (!driver.isAlive()) {
                        throw new IOException("chromedriver exited with " + driver.exitValue() + describe());
                    }
                    try {
                        return command("GET", "/status", null, COMMAND_TIMEOUT).get("ready").asBoolean(false);
                    } catch (IOException e) {
                        return false;
                    }
                }, ready -> ready);
    }

    private void newSession() throws IOException, InterruptedException {
        ModelNode options = new ModelNode();
        options.get("binary").set(CHROMIUM.toString());
        ModelNode args = options.get("args").setEmptyList();
        ARGS.forEach(args::add);
        args.add("--user-data-dir=" + dir.resolve("profile"));
        ModelNode capabilities = new ModelNode();
        capabilities.get("capabilities", "alwaysMatch", "browserName").set("chrome");
        capabilities.get("capabilities", "alwaysMatch", "goog:chromeOptions").set(options);
        ModelNode value = command("POST", "/session", capabilities, SESSION_TIMEOUT);
        sessionId = value.get("sessionId").asString();
        ModelNode timeouts = new ModelNode();
        timeouts.get("script").set(SCRIPT_TIMEOUT.toMillis());
        timeouts.get("pageLoad").set(COMMAND_TIMEOUT.toMillis());
        command("POST", session("/timeouts"), timeouts, COMMAND_TIMEOUT);
    }

    /** Loads {@code url} and waits for the page's load event. */
    public void navigate(String url) throws IOException, InterruptedException {
        ModelNode body = new ModelNode();
        body.get("url").set(url);
        command("POST", session("/url"), body, COMMAND_TIMEOUT);
    }

    /** {@code document.title}. */
    public String title() throws IOException, InterruptedException {
        return command("GET", session("/title"), null, COMMAND_TIMEOUT).asString();
    }

    /**
     * Runs {@code script} in the page as an async script: its last argument is the callback it must call with the
     * result (within 20 s); the result comes back as JSON.
     */
    public ModelNode executeAsync(String script) throws IOException, InterruptedException {
        ModelNode body = new ModelNode();
        body.get("script").set(script);
        body.get("args").setEmptyList();
        return command("POST", session("/execute/async"), body, SCRIPT_TIMEOUT.plus(COMMAND_TIMEOUT));
    }

    /**
     * Every cookie the browser would send to the current page, {@code HttpOnly} ones included (which the page's own
     * scripts cannot see): WebDriver's cookie objects with {@code name}, {@code domain}, {@code httpOnly},
     * {@code sameSite}… A host-only cookie has the page's host as its {@code domain}, a domain cookie a leading dot.
     */
    public List<ModelNode> cookies() throws IOException, InterruptedException {
        return command("GET", session("/cookie"), null, COMMAND_TIMEOUT).asList();
    }

    private String session(String path) {
        return "/session/" + sessionId + path;
    }

    /** One WebDriver command; the response's {@code value}, or an IOException naming the WebDriver error. */
    private ModelNode command(String method, String path, ModelNode body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toJSONString(true), StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        ModelNode value = ModelNode.fromJSONString(response.body()).get("value");
        if (response.statusCode() != 200) {
            throw new IOException("WebDriver " + method + " " + path + " failed with " + response.statusCode() + ": "
                    + value.get("error").asString("?") + ": " + value.get("message").asString("") + describe());
        }
        return value;
    }

    private String describe() {
        try {
            Path log = dir.resolve("chromedriver.out");
            String out = Files.exists(log) ? Files.readString(log) : "";
            return out.isBlank() ? "" : "\nchromedriver output:\n" + out;
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Quits the session (closing the browser), stops chromedriver and whatever it left, deletes the profile. */
    @Override
    public void close() throws IOException, InterruptedException {
        // Taken before the quit: once chromedriver has ended the browser, its exiting helpers are no longer our
        // descendants, yet they may still be writing to the profile directory.
        List<ProcessHandle> browser = driver.descendants().toList();
        try {
            if (sessionId != null && driver.isAlive()) {
                command("DELETE", "/session/" + sessionId, null, Duration.ofSeconds(10));
            }
        } catch (IOException e) {
            // The driver and the browser are killed below either way.
        } finally {
            driver.destroy();
            if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                driver.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle process : browser) {
                awaitExit(process);
            }
            TempDirs.deleteTree(dir);
        }
    }

    private static void awaitExit(ProcessHandle process) throws InterruptedException {
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException stuck) {
                // Left to the OS; deleting the profile may then fail and say which file is held.
            }
        } catch (ExecutionException e) {
            // onExit() does not fail.
        }
    }
}
