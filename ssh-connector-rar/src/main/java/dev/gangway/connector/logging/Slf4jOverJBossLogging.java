package dev.gangway.connector.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding Apache MINA SSHD logs through inside the resource adapter: JBoss Logging, with one logger object
 * per name, made once.
 *
 * <p>Why not WildFly's own SLF4J module: MINA builds a logger for every I/O future it creates, several per proxied
 * request, and WildFly's binding creates a new logger object through the log manager on every call. A profile of the
 * small-response benchmark put 11 % of the I/O threads' time there. The RAR therefore packages its own slf4j-api with
 * this provider, and the EAR's {@code jboss-deployment-structure.xml} keeps the server's SLF4J module away from the
 * RAR. Log levels and handlers stay the server's: every line goes to JBoss Logging under MINA's own category names.
 */
public final class Slf4jOverJBossLogging implements SLF4JServiceProvider {

    private final ILoggerFactory loggers = new CachingLoggerFactory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to set up: loggers are made on first use.
    }
}
