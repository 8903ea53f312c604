package dev.gangway.proxy.inject;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;

import dev.gangway.proxy.log.ProxyLogger;

/**
 * Whether brotli4j's native library loaded in this class loader. Loading copies the library from the WAR to a new
 * directory under {@code java.io.tmpdir} (or {@code -Dcom.aayushatharva.brotli4j.native.workdir}) and loads it from
 * there: file I/O, so {@link #isAvailable()} should first be called at deployment, not on an I/O thread. Each
 * deployment's class loader gets its own copy (a fresh directory per load), so a redeployment loads again instead
 * of failing with "already loaded in another classloader"; the old copy is unloaded when the old class loader is
 * collected, and the files are deleted when the JVM exits.
 */
public final class BrotliSupport {

    private BrotliSupport() {
    }

    /** Loads the library on first call (logging GANGWAY2010 once if it cannot); then just answers. */
    public static boolean isAvailable() {
        return Holder.AVAILABLE;
    }

    private static final class Holder {
        static final boolean AVAILABLE = probe();
    }

    private static boolean probe() {
        try {
            Brotli4jLoader.ensureAvailability();
            // brotli4j first tries System.loadLibrary("brotli"): a different libbrotli.so on java.library.path
            // would "load" yet lack the JNI entry points. Making one decoder proves they are there.
            new DecoderJNI.Wrapper(1).destroy();
            return true;
        } catch (LinkageError | Exception e) {
            ProxyLogger.ROOT.brotliUnavailable(describe(e));
            return false;
        }
    }

    private static String describe(Throwable t) {
        StringBuilder reason = new StringBuilder(String.valueOf(t));
        for (Throwable cause = t.getCause(); cause != null && cause != t; cause = cause.getCause()) {
            reason.append("; caused by ").append(cause);
            t = cause;
        }
        return reason.toString();
    }
}
