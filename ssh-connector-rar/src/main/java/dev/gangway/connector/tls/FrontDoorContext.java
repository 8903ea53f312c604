package dev.gangway.connector.tls;

import dev.gangway.connector.net.DirectBufferPool;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** What every connection of one started front door shares. */
record FrontDoorContext(TlsSettings settings, AsynchronousChannelGroup group, TlsSources sources, RoutingRule rule,
                        ClientHelloReader reader, DirectBufferPool buffers, SshHandoff ssh, TlsEvents events,
                        ScheduledExecutorService timer, Duration halfCloseLinger,
                        WarningThrottle backendWarnings, WarningThrottle sslContextWarnings) {

    static FrontDoorContext of(TlsSettings settings, AsynchronousChannelGroup group, TlsSources sources,
                               SshHandoff ssh, TlsEvents events, DirectBufferPool buffers,
                               ScheduledExecutorService timer, Duration halfCloseLinger) {
        return new FrontDoorContext(settings, group, sources, new RoutingRule(settings.sshHostnames()),
                new ClientHelloReader(TlsSettings.MAX_CLIENT_HELLO_BYTES), buffers, ssh, events, timer, halfCloseLinger,
                new WarningThrottle(1, TimeUnit.MINUTES), new WarningThrottle(1, TimeUnit.MINUTES));
    }
}
