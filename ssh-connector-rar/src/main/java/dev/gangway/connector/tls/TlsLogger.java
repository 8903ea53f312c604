package dev.gangway.connector.tls;

import jakarta.resource.spi.ResourceAdapterInternalException;
import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

import static org.jboss.logging.Logger.Level.DEBUG;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

/**
 * Log lines of the TLS front door. Ids 1400–1499. Lifecycle on {@code dev.gangway.connector.tls}; per-connection
 * noise (bots sending garbage, stalled or refused handshakes) at DEBUG on {@code dev.gangway.connector.tls.client},
 * since on a public port that happens all day and a WARN per connection would flood the log.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface TlsLogger extends BasicLogger {

    TlsLogger LOG = Logger.getMessageLogger(TlsLogger.class, "dev.gangway.connector.tls");

    TlsLogger CLIENT = Logger.getMessageLogger(TlsLogger.class, "dev.gangway.connector.tls.client");

    @LogMessage(level = INFO)
    @Message(id = 1400, value = "TLS front door listening on %s; routing: %s; HTTPS passed to %s with a PROXY protocol header; SSH over TLS terminated with Elytron ssl-context %s")
    void started(String address, String rule, String httpsBackend, String sslContext);

    @LogMessage(level = INFO)
    @Message(id = 1401, value = "TLS front door stopped")
    void stopped();

    @LogMessage(level = WARN)
    @Message(id = 1402, value = "HTTPS connections cannot reach the https listener at %s (%s); visitors are disconnected. The Undertow https-listener gangway-https must exist and be started on socket binding %s (see wildfly-config's configure-server.cli). %d more such failures since the last report")
    void httpsBackendDown(String address, String reason, String socketBinding, long suppressed);

    @LogMessage(level = WARN)
    @Message(id = 1403, value = "Stopping the TLS front door did not finish cleanly: %s. If threads named gangway-tls-* remain, restart the server")
    void stopIncomplete(String what, @Cause Throwable cause);

    @LogMessage(level = WARN)
    @Message(id = 1404, value = "The TLS front door cannot get Elytron ssl-context %s for an SSH over TLS connection (%s); the connection is closed. Check /subsystem=elytron/server-ssl-context=%s and its key store")
    void sslContextUnavailable(String name, String reason, String sameName);

    @Message(id = 1405, value = "The TLS front door needs the Elytron server-ssl-context '%s', which does not exist. Create it (e.g. /subsystem=elytron/server-ssl-context=%s:add(key-manager=gangwayKM, protocols=[TLSv1.2,TLSv1.3]), as wildfly-config's configure-server.cli does), or set tlsSslContext to an existing one, or set tlsEnabled=false; then reload")
    ResourceAdapterInternalException missingSslContext(String name, String sameName);

    @Message(id = 1406, value = "The TLS front door needs the socket binding '%s' of the Undertow https listener, which does not exist. Create it (e.g. /socket-binding-group=standard-sockets/socket-binding=%s:add(interface=gangway-loopback, port=8444), as wildfly-config's configure-server.cli does), or set tlsHttpsSocketBinding to an existing one, or set tlsEnabled=false; then reload")
    ResourceAdapterInternalException missingSocketBinding(String name, String sameName);

    @Message(id = 1407, value = "The TLS front door's %s did not start within %d seconds (state %s). Check the server log for why (a key store that cannot be read, a wrong password), fix it and reload")
    ResourceAdapterInternalException serviceNotUp(String what, long seconds, String state);

    @Message(id = 1408, value = "The TLS front door could not look up %s: %s. Is the server a WildFly with the elytron subsystem? Set tlsEnabled=false to run without the front door")
    ResourceAdapterInternalException lookupFailed(String what, String reason, @Cause Throwable cause);

    @Message(id = 1409, value = "The TLS front door's %s failed to start: %s. Fix what it names (a key store file that is missing or unreadable, a wrong password, no key for the key manager) and reload")
    ResourceAdapterInternalException serviceFailed(String what, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1420, value = "TLS connection from %s refused before its handshake: %s (%s)")
    void refused(String remote, String reason, String detail);

    @LogMessage(level = DEBUG)
    @Message(id = 1421, value = "TLS connection from %s closed: no complete %s within %d ms")
    void stalled(String remote, String what, long millis);

    @LogMessage(level = DEBUG)
    @Message(id = 1422, value = "TLS connection from %s (SNI %s, ALPN %s) routed to %s")
    void routed(String remote, String sni, String alpn, TlsRoute route);

    @LogMessage(level = DEBUG)
    @Message(id = 1423, value = "SSH over TLS handshake with %s failed: %s")
    void handshakeFailed(String remote, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1424, value = "TLS connection from %s ended: %s")
    void connectionEnded(String remote, String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1425, value = "Accepting a TLS connection failed (%s); accepting again shortly")
    void acceptFailed(String reason);

    @LogMessage(level = DEBUG)
    @Message(id = 1426, value = "The SSL engine %s takes no ALPN selector; SSH over TLS connections get no ALPN answer")
    void noAlpnSelector(String engineClass);
}
