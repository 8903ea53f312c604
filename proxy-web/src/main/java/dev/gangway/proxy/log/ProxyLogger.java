package dev.gangway.proxy.log;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * The web tier's log messages (ids GANGWAY 2000–2199). {@link #ROOT} carries what an operator must see;
 * {@link #VISITOR} carries per-request failures at DEBUG, on a category of its own so that it can be turned on
 * without drowning the rest.
 */
@MessageLogger(projectCode = "GANGWAY", length = 4)
public interface ProxyLogger extends BasicLogger {

    ProxyLogger ROOT = Logger.getMessageLogger(MethodHandles.lookup(), ProxyLogger.class, "dev.gangway.proxy");

    ProxyLogger VISITOR = Logger.getMessageLogger(MethodHandles.lookup(), ProxyLogger.class,
            "dev.gangway.proxy.visitor");

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 2000, value = "Tunnel proxy ready: tunnel hosts are <key>.%s, %d trusted proxy entries")
    void proxyReady(String baseHost, int trustedProxyEntries);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 2001, value = "The gateway settings from the resource adapter are invalid: %s. Fix the "
            + "resource adapter's configuration (base URL, trusted proxies) and redeploy")
    void invalidSettings(String problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 2002, value = "A request arrived before the tunnel connection factory was available; it was "
            + "answered 503. If this persists, check that the resource adapter deployed and binds %s")
    void factoryNotReady(String jndiName);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 2003, value = "Unexpected failure while proxying a request to tunnel %s; the visitor's exchange "
            + "was ended. This is a bug: please report it with this stack trace")
    void unexpectedFailure(String tunnelKey, @Cause Throwable cause);

    @LogMessage(level = Logger.Level.INFO)
    @Message(id = 2004, value = "Created the key that signs X-Gangway-Identity for private tunnels' services in %s. "
            + "Back it up with the configuration; every node of a cluster must have the same file")
    void identityKeyCreated(String file);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 2010, value = "Brotli is not available (%s): HTML pages a service sends with Content-Encoding: br "
            + "pass through without their inject= scripts; gzip, deflate and uncompressed pages still get them. The "
            + "WAR ships the native library for linux-x86_64 only; it is copied to java.io.tmpdir (or to the "
            + "directory named by -Dcom.aayushatharva.brotli4j.native.workdir), which must allow executable mappings")
    void brotliUnavailable(String reason);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 2011, value = "The inject= spec of tunnel %s, which the SSH connector accepted, cannot be used: %s. "
            + "Its pages are served without the scripts; please report this as a bug with the tunnel's request string")
    void unusableInjectSpec(String tunnelKey, String problem);

    // Per-request events, DEBUG on the visitor category.

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2100, value = "No connection to tunnel %s (%s): %s; answered %d")
    void noConnection(String tunnelKey, String reason, String message, int status);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2101, value = "The service behind tunnel %s sent an invalid response: %s; answered 502")
    void malformedResponse(String tunnelKey, String problem);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2102, value = "The connection to tunnel %s broke mid-response; the visitor's connection was closed")
    void brokeMidResponse(String tunnelKey, @Cause Throwable cause);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2103, value = "The visitor of tunnel %s went away mid-exchange; the tunnel connection was closed")
    void visitorGone(String tunnelKey, @Cause Throwable cause);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2104, value = "A reused connection to tunnel %s closed before answering; retrying once on a "
            + "fresh connection")
    void retryingOnFreshConnection(String tunnelKey);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2105, value = "The service behind tunnel %s closed the connection without a response; answered 502")
    void noResponse(String tunnelKey, @Cause Throwable cause);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2106, value = "The tunnel connection of an upgraded stream to tunnel %s broke; the visitor's "
            + "connection was closed")
    void upgradedStreamBroke(String tunnelKey, @Cause Throwable cause);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2107, value = "An %2$s to tunnel %1$s moved no byte for the visitor idle timeout and was closed")
    void idleTimeout(String tunnelKey, String what);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2108, value = "An exchange with tunnel %s timed out: %s")
    void exchangeTimedOut(String tunnelKey, String message);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2109, value = "Refused an upgrade to '%s' for tunnel %s: not a protocol this gateway carries; "
            + "answered 501")
    void unsupportedUpgrade(String protocols, String tunnelKey);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2110, value = "Script injection skipped for one response, which passes through unchanged: %s")
    void injectionSkipped(String reason);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2111, value = "The service behind tunnel %s sent a body that cannot be rewritten for script "
            + "injection (%s); the visitor's connection was closed")
    void injectionFailed(String tunnelKey, String problem);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2112, value = "A visitor without credentials was sent to sign in for private tunnel %s")
    void privateTunnelSignIn(String tunnelKey);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2113, value = "Private tunnel %s refused a visitor (401): %s")
    void privateTunnelRefused(String tunnelKey, String reason);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2114, value = "Private tunnel %s refused signed-in visitor %s (403): not the owner, in no allowed group")
    void privateTunnelForbidden(String tunnelKey, String subject);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2115, value = "A sign-in code on tunnel host %s was unknown, used, expired or for another host (400)")
    void signInCodeRefused(String host);

    @LogMessage(level = Logger.Level.DEBUG)
    @Message(id = 2116, value = "Visitor %s signed in on tunnel host %s")
    void visitorSignedIn(String subject, String host);
}
