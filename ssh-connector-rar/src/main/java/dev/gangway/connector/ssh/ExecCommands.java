package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.Tunnel;
import dev.gangway.connector.tunnel.TunnelKeys;
import dev.gangway.connector.tunnel.TunnelRegistry;
import dev.gangway.connector.tunnel.TunnelUrls;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The exec commands of PROTOCOL.md ("Exec commands"): what each answers. The channel mechanics (when to send the
 * exit status, when to close) are {@link ExecChannel}'s.
 */
final class ExecCommands {

    /** What a command answers. */
    record Outcome(String stdout, String stderr, int exitStatus, boolean keepOpenWhileTunnels) {
    }

    private final TunnelRegistry registry;
    private final URI baseUrl;
    private final Duration settleTimeout;
    /**
     * Resolved once, when the server starts with the adapter's class loader as context loader: looking the provider
     * up again on an SSH I/O thread would depend on whatever context class loader that thread has.
     */
    private final JsonProvider json;

    ExecCommands(TunnelRegistry registry, URI baseUrl, Duration settleTimeout, JsonProvider json) {
        this.registry = registry;
        this.baseUrl = baseUrl;
        this.settleTimeout = settleTimeout;
        this.json = json;
    }

    CompletionStage<Outcome> run(TunnelSession owner, String commandLine) {
        List<String> words = List.of(commandLine.trim().split("\\s+"));
        String command = words.get(0);
        if (command.equals("hello") && words.size() == 1) {
            return hello(owner);
        }
        if (command.equals("tunnel-url") && words.size() > 1) {
            return CompletableFuture.completedFuture(tunnelUrls(owner, words.subList(1, words.size())));
        }
        return CompletableFuture.completedFuture(new Outcome("", "unknown command '" + commandLine.trim()
                + "'; this server knows: hello, tunnel-url <name> [<name>...]\r\n", 1, false));
    }

    /**
     * Waits for the forwards the client sent before {@code hello} to be decided (OpenSSH does not wait for their
     * replies before sending the exec), at most a little longer than a take-over check, then reports them.
     */
    private CompletionStage<Outcome> hello(TunnelSession owner) {
        return registry.settled(owner).toCompletableFuture()
                .completeOnTimeout(null, settleTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                .thenApply(ignored -> new Outcome(helloJson(owner) + "\r\n", "", 0, true));
    }

    String helloJson(TunnelSession owner) {
        JsonObjectBuilder tunnels = json.createObjectBuilder();
        for (Tunnel tunnel : registry.tunnelsOf(owner)) {
            tunnels.add(tunnel.info().requestString(), tunnel.info().url());
        }
        // Mirrors Node's URL fields, which Preevy's clients read: port is "" when it is the scheme's default.
        URI root = URI.create(TunnelUrls.root(baseUrl));
        JsonObjectBuilder base = json.createObjectBuilder()
                .add("hostname", root.getHost())
                .add("port", root.getPort() < 0 ? "" : Integer.toString(root.getPort()))
                .add("protocol", root.getScheme() + ":");
        return json.createObjectBuilder()
                .add("clientId", owner.clientId())
                .add("tunnels", tunnels)
                .add("baseUrl", base)
                .add("rootUrl", root.toString())
                .build()
                .toString();
    }

    private Outcome tunnelUrls(TunnelSession owner, List<String> names) {
        JsonObjectBuilder urls = json.createObjectBuilder();
        for (String name : names) {
            String bare = name.startsWith("/") ? name.substring(1) : name;
            urls.add(name, registry.urlOf(TunnelKeys.key(bare, owner.clientId())));
        }
        return new Outcome(urls.build().toString() + "\r\n", "", 0, false);
    }
}
