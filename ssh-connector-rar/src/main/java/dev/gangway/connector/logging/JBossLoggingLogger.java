package dev.gangway.connector.logging;

import org.jboss.logging.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that formats SLF4J's {@code {}} patterns and hands the line to a JBoss Logging logger. */
final class JBossLoggingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient Logger delegate;

    JBossLoggingLogger(String name) {
        this.name = name;
        this.delegate = Logger.getLogger(name);
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isEnabled(Logger.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isEnabled(Logger.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        delegate.log(toJBoss(level), MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
    }

    private static Logger.Level toJBoss(Level level) {
        return switch (level) {
            case ERROR -> Logger.Level.ERROR;
            case WARN -> Logger.Level.WARN;
            case INFO -> Logger.Level.INFO;
            case DEBUG -> Logger.Level.DEBUG;
            case TRACE -> Logger.Level.TRACE;
        };
    }
}
