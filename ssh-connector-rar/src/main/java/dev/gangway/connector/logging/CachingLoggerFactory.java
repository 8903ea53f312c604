package dev.gangway.connector.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One {@link JBossLoggingLogger} per name, for the life of the deployment (MINA uses a few dozen names). */
final class CachingLoggerFactory implements ILoggerFactory {

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        Logger logger = loggers.get(name);
        return logger != null ? logger : loggers.computeIfAbsent(name, JBossLoggingLogger::new);
    }
}
