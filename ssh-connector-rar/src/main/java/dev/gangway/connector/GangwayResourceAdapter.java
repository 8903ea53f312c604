package dev.gangway.connector;

import dev.gangway.connector.api.GatewaySettings;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.connector.api.TunnelCluster;
import dev.gangway.connector.peer.ClusterNode;
import dev.gangway.connector.peer.PeerBinding;
import dev.gangway.connector.peer.PeerSettings;
import dev.gangway.connector.peer.SessionRevocations;
import dev.gangway.connector.peer.TunnelClusterRegistration;
import dev.gangway.connector.peer.WildFlyPeerBinding;
import dev.gangway.connector.ssh.AuthMode;
import dev.gangway.connector.ssh.KeyAuthorityGate;
import dev.gangway.connector.ssh.KeyAuthorityRegistration;
import dev.gangway.connector.ssh.SshSettings;
import dev.gangway.connector.ssh.SshTunnelServer;
import dev.gangway.connector.stats.GatewayStatistics;
import dev.gangway.connector.tls.TlsEvents;
import dev.gangway.connector.tls.TlsFrontDoor;
import dev.gangway.connector.tls.TlsRoute;
import dev.gangway.connector.tls.TlsSettings;
import dev.gangway.connector.tls.TlsSources;
import dev.gangway.connector.tls.WildFlyTlsSources;
import dev.gangway.connector.tunnel.TunnelDirectory;
import dev.gangway.connector.tunnel.TunnelObservers;
import dev.gangway.connector.tunnel.TunnelRegistry;
import jakarta.resource.ResourceException;
import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAResource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The resource adapter: owns the SSH server and the tunnel registry for as long as it is started.
 *
 * <p>Its settings are the JavaBean properties below; the WildFly {@code resource-adapters} subsystem sets them (see
 * {@code wildfly-config}), so an operator sees and edits them in the admin console. {@link #start} validates them and
 * fails the deployment loudly on a bad value or a busy port; it never reports started when it is not.
 *
 * <p>With {@code tlsEnabled}, a TLS front door ({@link TlsFrontDoor}) shares one public port between HTTPS for
 * visitors and SSH over TLS for tunnel clients; it starts after the SSH server it hands connections to and stops
 * before it.
 *
 * <p>Cluster: when the web tier registers a {@link TunnelCluster} (a clustered server), the adapter joins it while
 * started ({@link ClusterNode}): it opens the node-to-node peer port on the socket binding {@code peerSocketBinding},
 * files its tunnels in the cluster directory and finds other nodes' there. {@link #stop} releases this node's entries
 * first, so that other nodes stop routing here at once, then ends the SSH connections with a disconnect message, so
 * that clients reconnect to another node at once.
 *
 * <p>Threads: the SSH server creates and names its own I/O executor in {@code start()} and shuts it down in
 * {@code stop()}. The JCA {@code WorkManager} is not used for it: MINA wants an {@code ExecutorService} whose
 * threads it parks in NIO2 completion loops for the server's whole life, which is not what WorkManager work is for.
 */
@Connector(
        displayName = "Gangway SSH connector",
        description = "Hosts the SSH server that tunnel clients connect to; tunnel channels are its managed connections",
        vendorName = "Gangway",
        eisType = "SSH tunnels",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false)
public class GangwayResourceAdapter implements ResourceAdapter {

    @ConfigProperty(defaultValue = "2222", description = "TCP port of the SSH listener tunnel clients connect to")
    private Integer sshPort = 2222;

    @ConfigProperty(defaultValue = "0.0.0.0", description = "Address the SSH listener binds; 0.0.0.0 for all")
    private String sshBindAddress = "0.0.0.0";

    @ConfigProperty(defaultValue = "http://localhost:8080",
            description = "Public base URL; a tunnel's URL is this URL with the host name <key>.<host>")
    private String baseUrl = "http://localhost:8080";

    @ConfigProperty(description = "SSH host key file; generated once and kept if absent. "
            + "Empty: gangway/ssh_host_key in the server's data directory")
    private String hostKeyFile = "";

    @ConfigProperty(defaultValue = "open", description = "Which SSH keys may open tunnels: open (any key), authorized-keys, "
            + "or sso (keys registered by people signed in through the identity provider)")
    private String authMode = "open";

    @ConfigProperty(description = "OpenSSH authorized_keys file for authMode authorized-keys; reloaded when it changes")
    private String authorizedKeysFile = "";

    @ConfigProperty(defaultValue = "5", description = "Seconds between keepalive probes of an SSH client")
    private Integer keepaliveIntervalSeconds = 5;

    @ConfigProperty(defaultValue = "3", description = "Unanswered keepalive probes after which an SSH client is dropped")
    private Integer keepaliveMaxMissed = 3;

    @ConfigProperty(defaultValue = "5",
            description = "Seconds the current holder of a tunnel name has to prove it is alive before a newcomer takes the name")
    private Integer takeoverCheckTimeoutSeconds = 5;

    @ConfigProperty(defaultValue = "false", description = "Accept ssh-rsa (SHA-1) signatures from old clients")
    private Boolean allowSha1Rsa = false;

    @ConfigProperty(description = "Comma-separated SSH ciphers offered, in order of preference. "
            + "Empty: aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com")
    private String sshCiphers = "";

    @ConfigProperty(description = "Comma-separated addresses or CIDR blocks of proxies whose X-Forwarded-* headers are believed")
    private String trustedProxies = "";

    @ConfigProperty(defaultValue = "2097152", description = "Bytes a tunnel client may send on one channel before the "
            + "server has passed them on (the SSH channel window): the most one slow visitor stream can make the server hold")
    private Integer channelWindowBytes = SshSettings.DEFAULT_CHANNEL_WINDOW;

    @ConfigProperty(defaultValue = "600", description = "Seconds a visitor's request or upgraded stream (WebSocket) may "
            + "move no byte in either direction before it is closed; 0 for never")
    private Integer visitorIdleTimeoutSeconds = 600;

    @ConfigProperty(defaultValue = "0", description = "Seconds a visitor's request may take from its start to the end "
            + "of its response; 0 for no limit. Upgraded streams are bounded by the idle timeout only")
    private Integer maxRequestTimeSeconds = 0;

    @ConfigProperty(defaultValue = "120", description = "Seconds an authenticated SSH connection may hold no tunnel "
            + "before it is closed; 0 for never")
    private Integer tunnellessSessionTimeoutSeconds = 120;

    @ConfigProperty(defaultValue = "10", description = "Seconds the key registry may take to decide on an SSH key in "
            + "authMode sso; no answer in time refuses the login")
    private Integer keyDecisionTimeoutSeconds = 10;

    /** Kept across starts: the web tier registers its authority once per deployment of the WAR. */
    private final KeyAuthorityRegistration keyAuthorities = new KeyAuthorityRegistration();

    /** Kept across starts, like the key authority: the web tier registers its audit observer once per deployment. */
    private final TunnelObservers tunnelObservers = new TunnelObservers();

    @ConfigProperty(defaultValue = "true", description = "Open the public TLS port: HTTPS for visitors and SSH over TLS "
            + "for tunnel clients on one port, split by the TLS handshake (ALPN ssh or an SSH host name: SSH)")
    private Boolean tlsEnabled = true;

    @ConfigProperty(defaultValue = "8443", description = "TCP port of the public TLS listener (HTTPS and SSH over TLS)")
    private Integer tlsPort = 8443;

    @ConfigProperty(defaultValue = "0.0.0.0", description = "Address the TLS listener binds; 0.0.0.0 for all")
    private String tlsBindAddress = "0.0.0.0";

    @ConfigProperty(defaultValue = "gangwaySSC", description = "Name of the Elytron server-ssl-context whose certificate "
            + "and TLS settings terminate SSH over TLS (the https listener uses it for HTTPS)")
    private String tlsSslContext = "gangwaySSC";

    @ConfigProperty(defaultValue = "gangway-https-backend", description = "Socket binding of the Undertow https-listener "
            + "(with proxy-protocol=true) that HTTPS connections are passed to, TLS untouched")
    private String tlsHttpsSocketBinding = "gangway-https-backend";

    @ConfigProperty(description = "Comma-separated host names (TLS SNI) whose connections are SSH even without ALPN ssh, "
            + "for clients that cannot set ALPN; empty or \",\" for none. Do not list the base host: its pages are HTTPS")
    private String sshHostnames = "";

    @ConfigProperty(defaultValue = "10", description = "Seconds a TLS connection may take to send its ClientHello and, for "
            + "SSH over TLS, to finish the TLS handshake, before it is dropped")
    private Integer tlsHandshakeTimeoutSeconds = 10;

    @ConfigProperty(defaultValue = "true", description = "Accept plain SSH on sshPort. false: SSH only over TLS on tlsPort "
            + "(the SSH server then listens on a random loopback port only)")
    private Boolean sshPlainEnabled = true;

    @ConfigProperty(description = "Comma-separated groups whose signed-in members may visit any private tunnel, besides "
            + "its owner")
    private String privateTunnelGroups = "";

    @ConfigProperty(description = "File with the key that signs the X-Gangway-Identity JWT sent to services behind "
            + "private tunnels; created on first start when absent. Empty: gangway-identity.jwk in the server's "
            + "configuration directory")
    private String identityKeyFile = "";

    @ConfigProperty(defaultValue = "gangway-users", description = "authMode sso: members of this group (in the groups "
            + "claim) may register SSH keys and hold tunnels")
    private String ssoAllowedGroup = "gangway-users";

    @ConfigProperty(defaultValue = "gangway-admins", description = "authMode sso: members of this group see, revoke and "
            + "disconnect every key and tunnel")
    private String ssoAdminGroup = "gangway-admins";

    @ConfigProperty(defaultValue = "groups", description = "authMode sso: the token claim that lists a person's groups")
    private String ssoGroupsClaim = "groups";

    @ConfigProperty(defaultValue = "15", description = "authMode sso: minutes between re-checks of a key owner's standing "
            + "at the identity provider (token refresh)")
    private Integer ssoRecheckIntervalMinutes = 15;

    @ConfigProperty(defaultValue = "24", description = "authMode sso: hours after the owner's last confirmation "
            + "(sign-in or re-check) that their keys keep working")
    private Integer ssoKeyLifetimeHours = 24;

    @ConfigProperty(defaultValue = "gangway-peer", description = "Cluster: socket binding of the node-to-node port "
            + "where other nodes open streams to this node's tunnels (opened only while the server runs clustered)")
    private String peerSocketBinding = "gangway-peer";

    @ConfigProperty(description = "Cluster: host:port other nodes reach the node-to-node port at. Empty or \",\": the "
            + "socket binding's address; must be set when that binds 0.0.0.0")
    private String peerAdvertiseAddress = "";

    @ConfigProperty(confidential = true, description = "Cluster: the secret every node proves it knows on the "
            + "node-to-node port (HMAC challenge-response both ways). The same on every node; empty or \",\": the port "
            + "does not open")
    private String clusterSecret = "";

    @ConfigProperty(description = "Cluster: this node's name in the peer handshake and in log lines. Empty: "
            + "jboss.node.name")
    private String clusterNodeName = "";

    @ConfigProperty(defaultValue = "5", description = "Cluster: seconds a connection to the node-to-node port has to "
            + "authenticate and name its operation before it is dropped")
    private Integer peerHandshakeTimeoutSeconds = 5;

    @ConfigProperty(defaultValue = "10", description = "Cluster: seconds this node waits for a tunnel client to "
            + "accept the channel of a stream another node opens through it")
    private Integer peerOpenTimeoutSeconds = 10;

    /** Kept across starts, like the key authority: the web tier registers its cluster once per deployment. */
    private final TunnelClusterRegistration tunnelClusters = new TunnelClusterRegistration();

    /** How the peer port finds its socket binding; tests give a plain address. */
    private PeerBinding.Lookup peerBindingLookup = WildFlyPeerBinding::open;

    private volatile Running running;

    /** How the TLS front door finds the server's SSL context and https listener; tests give their own. */
    private TlsSourcesLookup tlsSourcesLookup = WildFlyTlsSources::open;

    /** What exists only while the adapter is started; replaced as a whole so readers see all of it or none. */
    private record Running(SshTunnelServer server, TunnelRegistry registry, GatewaySettings gatewaySettings,
                           TlsFrontDoor frontDoor, TlsSources tlsSources) {
    }

    /** Opens the front door's {@link TlsSources}; fails the start with what is missing. */
    @FunctionalInterface
    interface TlsSourcesLookup {
        TlsSources open(TlsSettings settings) throws ResourceAdapterInternalException;
    }

    /**
     * Starts the SSH server, then the TLS front door that hands it connections; {@link #stop} goes in reverse. Any
     * failure undoes what was started and fails the deployment with what to fix.
     */
    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        SshSettings settings = sshSettings();
        GatewaySettings gateway = gatewaySettings(settings);
        TlsSettings tls = Boolean.TRUE.equals(tlsEnabled) ? tlsSettings() : null;
        TunnelRegistry registry = new TunnelRegistry(settings.baseUrl(), settings.takeoverCheckTimeout());
        registry.addListener(tunnelObservers);
        KeyAuthorityGate gate;
        try {
            gate = new KeyAuthorityGate(keyAuthorities,
                    Duration.ofSeconds(positive("keyDecisionTimeoutSeconds", keyDecisionTimeoutSeconds)));
        } catch (IllegalArgumentException e) {
            throw ConnectorLogger.LOG.invalidSetting(e.getMessage(), e);
        }
        SshTunnelServer server = new SshTunnelServer(settings, registry, gate);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.stop();
            throw ConnectorLogger.LOG.cannotStart(settings.bindAddress(), settings.port(), String.valueOf(e.getMessage()), e);
        }
        TlsSources sources = null;
        TlsFrontDoor frontDoor = null;
        if (tls != null) {
            try {
                sources = tlsSourcesLookup.open(tls);
                frontDoor = new TlsFrontDoor(tls, sources, server::adopt, statisticsOf(registry));
                frontDoor.start();
            } catch (ResourceAdapterInternalException | IOException | RuntimeException e) {
                if (sources != null) {
                    sources.close();
                }
                server.stop();
                if (e instanceof ResourceAdapterInternalException refused) {
                    throw refused;
                }
                throw ConnectorLogger.LOG.cannotStartTls(tls.bindAddress(), tls.port(), String.valueOf(e.getMessage()), e);
            }
        }
        running = new Running(server, registry, gateway, frontDoor, sources);
        tunnelClusters.started(cluster -> joinCluster(cluster, registry, server, settings.takeoverCheckTimeout()));
        if (plainSsh()) {
            ConnectorLogger.LOG.started(settings.bindAddress(), server.port(), settings.baseUrl().toString(),
                    settings.authMode().configValue());
        } else {
            ConnectorLogger.LOG.startedWithoutPlainSsh(frontDoor != null ? frontDoor.port() : -1,
                    settings.baseUrl().toString(), settings.authMode().configValue(), server.port());
        }
    }

    @Override
    public void stop() {
        Running r = running;
        running = null;
        if (r == null) {
            return;
        }
        try {
            // First: other nodes stop routing here while this node can still serve what is in flight.
            tunnelClusters.stopping();
        } catch (RuntimeException e) {
            ConnectorLogger.LOG.stopIncomplete(String.valueOf(e.getMessage()), e);
        }
        try {
            if (r.frontDoor() != null) {
                r.frontDoor().stop();
            }
            if (r.tlsSources() != null) {
                r.tlsSources().close();
            }
        } catch (RuntimeException e) {
            ConnectorLogger.LOG.stopIncomplete(String.valueOf(e.getMessage()), e);
        }
        try {
            r.server().stop();
        } catch (RuntimeException e) {
            ConnectorLogger.LOG.stopIncomplete(String.valueOf(e.getMessage()), e);
        }
        ConnectorLogger.LOG.stopped();
    }

    /** The live tunnels; for the managed connection factory. */
    public TunnelDirectory directory() {
        return started().registry();
    }

    /** The settings the web tier reads through the connection factory. */
    public GatewaySettings gatewaySettings() {
        return started().gatewaySettings();
    }

    /** Where the web tier registers its key authority; usable whether or not the adapter is started. */
    public KeyAuthorityRegistration keyAuthorities() {
        return keyAuthorities;
    }

    /** Where the web tier registers its tunnel observers; usable whether or not the adapter is started. */
    public TunnelObservers tunnelObservers() {
        return tunnelObservers;
    }

    /** Where the web tier registers the cluster directory; usable whether or not the adapter is started. */
    public TunnelClusterRegistration tunnelClusters() {
        return tunnelClusters;
    }

    /** Revokes a key on this node and, in a cluster, on every node holding a tunnel of it. */
    public int disconnectKey(String fingerprint, String reason) {
        Optional<ClusterNode> node = tunnelClusters.node();
        return node.isPresent() ? node.get().disconnectKeyEverywhere(fingerprint, reason)
                : sshServer().disconnectKey(fingerprint, reason);
    }

    /** As {@link #disconnectKey}, for every key of the owner with this subject. */
    public int disconnectOwner(String subject, String reason) {
        Optional<ClusterNode> node = tunnelClusters.node();
        return node.isPresent() ? node.get().disconnectOwnerEverywhere(subject, reason)
                : sshServer().disconnectOwner(subject, reason);
    }

    /** Joins {@code cluster}: the peer port on its socket binding, the registry linked to the directory. */
    private ClusterNode joinCluster(TunnelCluster cluster, TunnelRegistry registry, SshTunnelServer server,
                                    Duration timeout) throws Exception {
        PeerSettings unbound = peerSettings(new java.net.InetSocketAddress(0)); // validates before anything opens
        PeerBinding binding = peerBindingLookup.open(require("peerSocketBinding", peerSocketBinding).trim());
        try {
            PeerSettings peer = new PeerSettings(unbound.nodeName(), unbound.secret(), binding.address(),
                    unbound.advertiseAddress(), unbound.handshakeTimeout(), unbound.openTimeout());
            ClusterNode node = ClusterNode.start(registry, new SessionRevocations() {
                @Override
                public int disconnectKey(String fingerprint, String reason) {
                    return server.disconnectKey(fingerprint, reason);
                }

                @Override
                public int disconnectOwner(String subject, String reason) {
                    return server.disconnectOwner(subject, reason);
                }
            }, cluster, peer, timeout);
            node.whenStopped(binding::close);
            return node;
        } catch (Exception | Error e) {
            binding.close();
            throw e;
        }
    }

    /** The peer port's settings; an empty secret or a bad name or address is refused with what to set. */
    PeerSettings peerSettings(java.net.InetSocketAddress bindAddress) {
        String node = clusterNodeName == null || clusterNodeName.isBlank()
                ? System.getProperty("jboss.node.name", "") : clusterNodeName.trim();
        return new PeerSettings(node.isEmpty() ? "gangway" : node, unlessNone(clusterSecret), bindAddress,
                unlessNone(peerAdvertiseAddress).trim(),
                Duration.ofSeconds(positive("peerHandshakeTimeoutSeconds", peerHandshakeTimeoutSeconds)),
                Duration.ofSeconds(positive("peerOpenTimeoutSeconds", peerOpenTimeoutSeconds)));
    }

    /** WildFly refuses an empty property value, so the CLI writes "none" as a lone comma (as for trustedProxies). */
    private static String unlessNone(String value) {
        return value == null || value.isBlank() || value.trim().equals(",") ? "" : value;
    }

    /** For in-JVM tests, which have no WildFly service container. */
    void usePeerBindings(PeerBinding.Lookup lookup) {
        this.peerBindingLookup = lookup;
    }

    /** The running SSH server (tests read its bound port; revocations go through it). */
    public SshTunnelServer sshServer() {
        return started().server();
    }

    /** The front door's counts go to the gateway statistics the admin console shows. */
    private static TlsEvents statisticsOf(TunnelRegistry registry) {
        GatewayStatistics statistics = registry.statistics();
        return new TlsEvents() {
            @Override
            public void routed(TlsRoute route) {
                statistics.tlsRouted(route == TlsRoute.SSH);
            }

            @Override
            public void refused() {
                statistics.tlsConnectionRefused();
            }
        };
    }

    /** The TLS front door's bound port (tests); -1 when tlsEnabled is false. */
    public int tlsPort() {
        TlsFrontDoor frontDoor = started().frontDoor();
        return frontDoor == null ? -1 : frontDoor.port();
    }

    /** For in-JVM tests, which have no WildFly service container. */
    void useTlsSources(TlsSourcesLookup lookup) {
        this.tlsSourcesLookup = lookup;
    }

    private Running started() {
        Running r = running;
        if (r == null) {
            throw ConnectorLogger.LOG.notStarted();
        }
        return r;
    }

    /** Validates the JavaBean properties into the SSH server's settings; any problem fails {@link #start}. */
    SshSettings sshSettings() throws ResourceAdapterInternalException {
        try {
            URI base = URI.create(require("baseUrl", baseUrl).trim());
            if (base.getHost() == null || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
                throw new IllegalArgumentException("baseUrl '" + baseUrl + "' must be an absolute http(s) URL with a host name");
            }
            AuthMode mode = AuthMode.parse(authMode);
            List<String> ciphers = parseList(sshCiphers);
            Path keys = authorizedKeysFile == null || authorizedKeysFile.isBlank() ? null : Path.of(authorizedKeysFile.trim());
            // With plain SSH off, MINA still needs a listener for its lifecycle: an ephemeral loopback one, which
            // nothing outside the machine can reach; SSH then comes in only through the TLS front door.
            boolean plain = plainSsh();
            if (!plain && !Boolean.TRUE.equals(tlsEnabled)) {
                throw new IllegalArgumentException("sshPlainEnabled=false needs tlsEnabled=true, else no client can reach SSH");
            }
            return new SshSettings(plain ? require("sshBindAddress", sshBindAddress).trim() : "127.0.0.1",
                    plain ? positiveOrZero("sshPort", sshPort) : 0,
                    base, hostKeyPath(), mode, keys,
                    Duration.ofSeconds(positive("keepaliveIntervalSeconds", keepaliveIntervalSeconds)),
                    positive("keepaliveMaxMissed", keepaliveMaxMissed),
                    Duration.ofSeconds(positive("takeoverCheckTimeoutSeconds", takeoverCheckTimeoutSeconds)),
                    Boolean.TRUE.equals(allowSha1Rsa),
                    ciphers.isEmpty() ? SshSettings.defaultCiphers() : ciphers,
                    Duration.ofSeconds(positiveOrZero("tunnellessSessionTimeoutSeconds", tunnellessSessionTimeoutSeconds)),
                    positive("channelWindowBytes", channelWindowBytes));
        } catch (IllegalArgumentException e) {
            throw ConnectorLogger.LOG.invalidSetting(e.getMessage(), e);
        }
    }

    /** Validates the TLS front door's properties; any problem fails {@link #start}. */
    TlsSettings tlsSettings() throws ResourceAdapterInternalException {
        try {
            return new TlsSettings(require("tlsBindAddress", tlsBindAddress).trim(), positiveOrZero("tlsPort", tlsPort),
                    require("tlsSslContext", tlsSslContext).trim(),
                    require("tlsHttpsSocketBinding", tlsHttpsSocketBinding).trim(), parseList(sshHostnames),
                    Duration.ofSeconds(positive("tlsHandshakeTimeoutSeconds", tlsHandshakeTimeoutSeconds)));
        } catch (IllegalArgumentException e) {
            throw ConnectorLogger.LOG.invalidSetting(e.getMessage(), e);
        }
    }

    private GatewaySettings gatewaySettings(SshSettings settings) throws ResourceAdapterInternalException {
        try {
            SsoSettings sso = new SsoSettings(settings.authMode() == AuthMode.SSO,
                    require("ssoAllowedGroup", ssoAllowedGroup).trim(), require("ssoAdminGroup", ssoAdminGroup).trim(),
                    require("ssoGroupsClaim", ssoGroupsClaim).trim(),
                    Duration.ofMinutes(positive("ssoRecheckIntervalMinutes", ssoRecheckIntervalMinutes)),
                    Duration.ofHours(positive("ssoKeyLifetimeHours", ssoKeyLifetimeHours)),
                    plainSsh() && sshPort != null ? sshPort : 0,
                    Boolean.TRUE.equals(tlsEnabled) && tlsPort != null ? tlsPort : 0);
            return new GatewaySettings(settings.baseUrl(), parseList(trustedProxies),
                    Duration.ofSeconds(positiveOrZero("visitorIdleTimeoutSeconds", visitorIdleTimeoutSeconds)),
                    Duration.ofSeconds(positiveOrZero("maxRequestTimeSeconds", maxRequestTimeSeconds)),
                    parseList(privateTunnelGroups), identityKeyPath().toString(), sso);
        } catch (IllegalArgumentException e) {
            throw ConnectorLogger.LOG.invalidSetting(e.getMessage(), e);
        }
    }

    /** Plain SSH unless explicitly switched off. */
    private boolean plainSsh() {
        return !Boolean.FALSE.equals(sshPlainEnabled);
    }

    private Path identityKeyPath() {
        if (identityKeyFile == null || identityKeyFile.isBlank()) {
            return Path.of(System.getProperty("jboss.server.config.dir", "."), "gangway-identity.jwk");
        }
        return Path.of(identityKeyFile.trim());
    }

    private Path hostKeyPath() {
        if (hostKeyFile == null || hostKeyFile.isBlank()) {
            return Path.of(System.getProperty("jboss.server.data.dir", "."), "gangway", "ssh_host_key");
        }
        return Path.of(hostKeyFile.trim());
    }

    private static String require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return value;
    }

    private static int positive(String name, Integer value) {
        if (value == null || value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, is " + value);
        }
        return value;
    }

    private static int positiveOrZero(String name, Integer value) {
        if (value == null || value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, is " + value);
        }
        return value;
    }

    static List<String> parseList(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("Gangway's SSH connector has no inbound messaging");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        // Nothing was ever activated.
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return null; // NoTransaction: there is nothing to recover.
    }

    // JavaBean properties, set by the container from the resource-adapters subsystem.

    public Integer getSshPort() { return sshPort; }
    public void setSshPort(Integer sshPort) { this.sshPort = sshPort; }
    public String getSshBindAddress() { return sshBindAddress; }
    public void setSshBindAddress(String sshBindAddress) { this.sshBindAddress = sshBindAddress; }
    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    public String getHostKeyFile() { return hostKeyFile; }
    public void setHostKeyFile(String hostKeyFile) { this.hostKeyFile = hostKeyFile; }
    public String getAuthMode() { return authMode; }
    public void setAuthMode(String authMode) { this.authMode = authMode; }
    public String getAuthorizedKeysFile() { return authorizedKeysFile; }
    public void setAuthorizedKeysFile(String authorizedKeysFile) { this.authorizedKeysFile = authorizedKeysFile; }
    public Integer getKeepaliveIntervalSeconds() { return keepaliveIntervalSeconds; }
    public void setKeepaliveIntervalSeconds(Integer v) { this.keepaliveIntervalSeconds = v; }
    public Integer getKeepaliveMaxMissed() { return keepaliveMaxMissed; }
    public void setKeepaliveMaxMissed(Integer v) { this.keepaliveMaxMissed = v; }
    public Integer getTakeoverCheckTimeoutSeconds() { return takeoverCheckTimeoutSeconds; }
    public void setTakeoverCheckTimeoutSeconds(Integer v) { this.takeoverCheckTimeoutSeconds = v; }
    public Boolean getAllowSha1Rsa() { return allowSha1Rsa; }
    public void setAllowSha1Rsa(Boolean allowSha1Rsa) { this.allowSha1Rsa = allowSha1Rsa; }
    public String getSshCiphers() { return sshCiphers; }
    public void setSshCiphers(String sshCiphers) { this.sshCiphers = sshCiphers; }
    public String getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(String trustedProxies) { this.trustedProxies = trustedProxies; }
    public Integer getChannelWindowBytes() { return channelWindowBytes; }
    public void setChannelWindowBytes(Integer v) { this.channelWindowBytes = v; }
    public Integer getVisitorIdleTimeoutSeconds() { return visitorIdleTimeoutSeconds; }
    public void setVisitorIdleTimeoutSeconds(Integer v) { this.visitorIdleTimeoutSeconds = v; }
    public Integer getMaxRequestTimeSeconds() { return maxRequestTimeSeconds; }
    public void setMaxRequestTimeSeconds(Integer v) { this.maxRequestTimeSeconds = v; }
    public Integer getTunnellessSessionTimeoutSeconds() { return tunnellessSessionTimeoutSeconds; }
    public void setTunnellessSessionTimeoutSeconds(Integer v) { this.tunnellessSessionTimeoutSeconds = v; }
    public Integer getKeyDecisionTimeoutSeconds() { return keyDecisionTimeoutSeconds; }
    public void setKeyDecisionTimeoutSeconds(Integer v) { this.keyDecisionTimeoutSeconds = v; }
    public Boolean getTlsEnabled() { return tlsEnabled; }
    public void setTlsEnabled(Boolean tlsEnabled) { this.tlsEnabled = tlsEnabled; }
    public Integer getTlsPort() { return tlsPort; }
    public void setTlsPort(Integer tlsPort) { this.tlsPort = tlsPort; }
    public String getTlsBindAddress() { return tlsBindAddress; }
    public void setTlsBindAddress(String tlsBindAddress) { this.tlsBindAddress = tlsBindAddress; }
    public String getTlsSslContext() { return tlsSslContext; }
    public void setTlsSslContext(String tlsSslContext) { this.tlsSslContext = tlsSslContext; }
    public String getTlsHttpsSocketBinding() { return tlsHttpsSocketBinding; }
    public void setTlsHttpsSocketBinding(String v) { this.tlsHttpsSocketBinding = v; }
    public String getSshHostnames() { return sshHostnames; }
    public void setSshHostnames(String sshHostnames) { this.sshHostnames = sshHostnames; }
    public Integer getTlsHandshakeTimeoutSeconds() { return tlsHandshakeTimeoutSeconds; }
    public void setTlsHandshakeTimeoutSeconds(Integer v) { this.tlsHandshakeTimeoutSeconds = v; }
    public Boolean getSshPlainEnabled() { return sshPlainEnabled; }
    public void setSshPlainEnabled(Boolean sshPlainEnabled) { this.sshPlainEnabled = sshPlainEnabled; }
    public String getPrivateTunnelGroups() { return privateTunnelGroups; }
    public void setPrivateTunnelGroups(String privateTunnelGroups) { this.privateTunnelGroups = privateTunnelGroups; }
    public String getIdentityKeyFile() { return identityKeyFile; }
    public void setIdentityKeyFile(String identityKeyFile) { this.identityKeyFile = identityKeyFile; }
    public String getSsoAllowedGroup() { return ssoAllowedGroup; }
    public void setSsoAllowedGroup(String v) { this.ssoAllowedGroup = v; }
    public String getSsoAdminGroup() { return ssoAdminGroup; }
    public void setSsoAdminGroup(String v) { this.ssoAdminGroup = v; }
    public String getSsoGroupsClaim() { return ssoGroupsClaim; }
    public void setSsoGroupsClaim(String v) { this.ssoGroupsClaim = v; }
    public Integer getSsoRecheckIntervalMinutes() { return ssoRecheckIntervalMinutes; }
    public void setSsoRecheckIntervalMinutes(Integer v) { this.ssoRecheckIntervalMinutes = v; }
    public Integer getSsoKeyLifetimeHours() { return ssoKeyLifetimeHours; }
    public void setSsoKeyLifetimeHours(Integer v) { this.ssoKeyLifetimeHours = v; }
    public String getPeerSocketBinding() { return peerSocketBinding; }
    public void setPeerSocketBinding(String v) { this.peerSocketBinding = v; }
    public String getPeerAdvertiseAddress() { return peerAdvertiseAddress; }
    public void setPeerAdvertiseAddress(String v) { this.peerAdvertiseAddress = v; }
    public String getClusterSecret() { return clusterSecret; }
    public void setClusterSecret(String v) { this.clusterSecret = v; }
    public String getClusterNodeName() { return clusterNodeName; }
    public void setClusterNodeName(String v) { this.clusterNodeName = v; }
    public Integer getPeerHandshakeTimeoutSeconds() { return peerHandshakeTimeoutSeconds; }
    public void setPeerHandshakeTimeoutSeconds(Integer v) { this.peerHandshakeTimeoutSeconds = v; }
    public Integer getPeerOpenTimeoutSeconds() { return peerOpenTimeoutSeconds; }
    public void setPeerOpenTimeoutSeconds(Integer v) { this.peerOpenTimeoutSeconds = v; }

    // The JCA spec asks a resource adapter JavaBean for equals/hashCode; one adapter instance exists per
    // deployment and its identity is what the container compares, so identity semantics are the honest ones.
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
