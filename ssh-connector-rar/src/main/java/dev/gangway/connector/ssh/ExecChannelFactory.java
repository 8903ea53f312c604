package dev.gangway.connector.ssh;

import dev.gangway.connector.tunnel.TunnelRegistry;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/**
 * The server's only channel factory: {@code session} channels for exec commands. Because no other factory is
 * installed, MINA refuses every other channel type a client opens ({@code direct-tcpip} from {@code ssh -L}/{@code -D},
 * {@code direct-streamlocal@openssh.com}, X11, agent) with "unknown channel type".
 */
final class ExecChannelFactory implements ChannelFactory {

    private final ExecCommands commands;
    private final TunnelRegistry registry;

    ExecChannelFactory(ExecCommands commands, TunnelRegistry registry) {
        this.commands = commands;
        this.registry = registry;
    }

    @Override
    public String getName() {
        return "session";
    }

    @Override
    public Channel createChannel(Session session) {
        return new ExecChannel(commands, () -> {
            TunnelSession owner = TunnelSession.of(session);
            return owner == null ? 0 : registry.tunnelsOf(owner).size();
        });
    }
}
