package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.TunnelRegistry;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Builds the MINA {@link SshServer} from the settings: deny by default, then allow exactly PROTOCOL.md's SSH side
 * (public-key login, the forward requests, the exec commands).
 */
final class SshServerAssembly {

    private SshServerAssembly() {
    }

    static SshServer assemble(SshSettings settings, TunnelRegistry registry, KeyPair hostKey,
                              ClientKeyAuthenticator authenticator, KeyAuthorityGate gate, LiveSessions live,
                              ExecCommands commands, ScheduledExecutorService timer,
                              Factory<CloseableExecutorService> ioExecutors, Consumer<AdoptingNio2Acceptor> acceptors) {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(settings.bindAddress());
        server.setPort(settings.port());
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setSignatureFactories(SshAlgorithms.signatures(settings.allowSha1Rsa()));
        server.setCipherFactories(SshAlgorithms.ciphers(settings.ciphers()));

        // Public key only: the only method advertised, the only authenticator set.
        server.setUserAuthFactories(List.<UserAuthFactory>of(settings.authMode() == AuthMode.SSO
                ? KeyAuthorityUserAuth.factory(gate) : UserAuthPublicKeyFactory.INSTANCE));
        if (settings.authMode() == AuthMode.SSO) {
            // Key decisions arrive after the request was processed; MINA's own service cannot take them for public keys.
            server.setServiceFactories(List.of(KeyAuthorityUserAuthService.FACTORY,
                    ServerConnectionServiceFactory.INSTANCE));
        }
        server.setPublickeyAuthenticator(authenticator);
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);

        // Deny by default: no shell, no subsystem, no agent, no MINA port forwarding; only our session channels
        // and our global request handler, which binds nothing.
        server.setShellFactory(null);
        server.setCommandFactory(null);
        server.setSubsystemFactories(List.of());
        server.setAgentFactory(null);
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setChannelFactories(List.of(new ExecChannelFactory(commands, registry)));
        server.setGlobalRequestHandlers(List.<RequestHandler<ConnectionService>>of(
                new GlobalRequestHandler(new ForwardRequests(registry))));

        server.addSessionListener(new TunnelSessions(registry, timer, settings, live));

        // Each proxied request is a few small packets; Nagle would delay them (PROTOCOL.md: Preevy stalls ~44 ms).
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        // The local window of every channel, forwarded ones included: what a client may send before the server reads.
        CoreModuleProperties.WINDOW_SIZE.set(server, (long) settings.channelWindow());
        // Liveness is the keepalive's job; an idle tunnel whose client answers probes must stay up.
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ZERO);

        // Our acceptor subclass can also take the TLS front door's connections (SSH over TLS, in-process).
        server.setIoServiceFactoryFactory(new AdoptingNio2ServiceFactoryFactory(ioExecutors, acceptors));
        server.setScheduledExecutorService(timer, false);
        return server;
    }
}
