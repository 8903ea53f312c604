package dev.gangway.proxy.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;

import dev.gangway.proxy.http.HeaderField;
import dev.gangway.proxy.http.ResponseHead;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * brotli4j's native loading as a WildFly deployment sees it: each deployment (and each redeployment) has its own
 * class loader holding its own copy of the brotli4j classes. These tests load those classes in fresh class loaders
 * next to each other, as a redeployment does while the old deployment's class loader is still around.
 */
class BrotliLoadingTest {

    private static final String PATH_PROPERTY = "brotli4j.library.path";

    private static URL jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    private static URL[] brotliJars() throws ClassNotFoundException {
        return new URL[] {
            jarOf(Brotli4jLoader.class),
            jarOf(com.aayushatharva.brotli4j.service.BrotliNativeProvider.class),
            jarOf(Class.forName("com.aayushatharva.brotli4j.linux.x86_64.NativeLoader"))};
    }

    /** A class loader like a deployment's: its own brotli4j classes, nothing shared but the JDK. */
    private static URLClassLoader deployment() throws ClassNotFoundException {
        return new URLClassLoader(brotliJars(), ClassLoader.getPlatformClassLoader());
    }

    private static boolean available(ClassLoader loader) throws ReflectiveOperationException {
        return (boolean) loader.loadClass(Brotli4jLoader.class.getName()).getMethod("isAvailable").invoke(null);
    }

    private static Throwable unavailabilityCause(ClassLoader loader) {
        try {
            return (Throwable) loader.loadClass(Brotli4jLoader.class.getName())
                    .getMethod("getUnavailabilityCause").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compresses and decompresses with the loader's brotli4j streams: the native code really works there. (Streams,
     * because reflecting on Encoder's methods needs Netty, an optional dependency of brotli4j that is not here.)
     */
    private static void roundTrip(ClassLoader loader) throws ReflectiveOperationException, IOException {
        byte[] text = "<html><head></head></html>".repeat(50).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = (OutputStream) loader.loadClass("com.aayushatharva.brotli4j.encoder.BrotliOutputStream")
                .getConstructor(OutputStream.class).newInstance(sink)) {
            out.write(text);
        }
        byte[] compressed = sink.toByteArray();
        try (InputStream in = (InputStream) loader.loadClass("com.aayushatharva.brotli4j.decoder.BrotliInputStream")
                .getConstructor(InputStream.class).newInstance(new ByteArrayInputStream(compressed))) {
            assertArrayEquals(text, in.readAllBytes());
        }
        assertTrue(compressed.length < text.length);
    }

    @Test
    void aRedeploymentLoadsItsOwnCopyWhileTheOldOneIsStillLoaded() throws Exception {
        try (URLClassLoader first = deployment(); URLClassLoader second = deployment()) {
            assertTrue(available(first), () -> "first: " + unavailabilityCause(first));
            roundTrip(first);
            // The first class loader is still alive, as an undeployed WAR's may be until it is collected.
            assertTrue(available(second), () -> "second: " + unavailabilityCause(second));
            roundTrip(second);
            roundTrip(first);
        }
    }

    /**
     * Why an operator must not set {@code -Dbrotli4j.library.path}: a library loaded from one fixed file can
     * belong to one class loader only, so the next deployment could not load it and br pages would pass through
     * without scripts until the server restarts.
     */
    @Test
    void aFixedLibraryPathBreaksTheNextDeployment(@TempDir Path dir) throws Exception {
        Path library = dir.resolve("libbrotli.so");
        try (InputStream in = Class.forName("com.aayushatharva.brotli4j.linux.x86_64.NativeLoader")
                .getResourceAsStream("/lib/linux-x86_64/libbrotli.so")) {
            assertNotNull(in);
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        String previous = System.getProperty(PATH_PROPERTY);
        System.setProperty(PATH_PROPERTY, library.toString());
        try (URLClassLoader first = deployment(); URLClassLoader second = deployment()) {
            assertTrue(available(first), () -> "first: " + unavailabilityCause(first));
            assertFalse(available(second));
            assertTrue(String.valueOf(unavailabilityCause(second).getMessage()).contains("another classloader"),
                    () -> String.valueOf(unavailabilityCause(second)));
        } finally {
            restore(previous);
        }
    }

    /** Without a usable native library the engine leaves br pages alone and still rewrites the others. */
    @Test
    void withoutBrotliBrPagesPassThroughAndOthersAreStillRewritten() throws Exception {
        String previous = System.getProperty(PATH_PROPERTY);
        System.setProperty(PATH_PROPERTY, "/nonexistent/libbrotli.so");
        try (URLClassLoader deployment = new EngineClassLoader(brotliJars())) {
            Class<?> support = deployment.loadClass(BrotliSupport.class.getName());
            assertFalse((boolean) support.getMethod("isAvailable").invoke(null));

            Object specs = deployment.loadClass(InjectionSpecs.class.getName()).getMethod("parse", String.class)
                    .invoke(null, "[{\"src\":\"/w.js\"}]");
            Object injection = specs.getClass().getMethod("forRequest", String.class).invoke(specs, "/");
            var forResponse = injection.getClass().getMethod("forResponse", String.class, ResponseHead.class);
            assertNull(forResponse.invoke(injection, "GET", htmlHead("br")));
            Object gzip = forResponse.invoke(injection, "GET", htmlHead("gzip"));
            assertNotNull(gzip);
            ((AutoCloseable) gzip.getClass().getMethod("body").invoke(gzip)).close();
        } finally {
            restore(previous);
        }
        assertEquals(previous, System.getProperty(PATH_PROPERTY));
    }

    private static ResponseHead htmlHead(String coding) {
        return new ResponseHead(1, 200, "OK", List.of(new HeaderField("Content-Type", "text/html"),
                new HeaderField("Content-Encoding", coding)));
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(PATH_PROPERTY);
        } else {
            System.setProperty(PATH_PROPERTY, previous);
        }
    }

    /**
     * Loads the engine's own classes and brotli4j afresh (child first), and everything else (the http records,
     * the logger, JSON-P) from the test's class loader.
     */
    private static final class EngineClassLoader extends URLClassLoader {

        EngineClassLoader(URL[] brotliJars) {
            super(withEngine(brotliJars), BrotliLoadingTest.class.getClassLoader());
        }

        private static URL[] withEngine(URL[] brotliJars) {
            URL[] urls = new URL[brotliJars.length + 1];
            urls[0] = jarOf(BrotliSupport.class);
            System.arraycopy(brotliJars, 0, urls, 1, brotliJars.length);
            return urls;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            boolean own = (name.startsWith("dev.gangway.proxy.inject.") && !name.endsWith("Test"))
                    || name.startsWith("com.aayushatharva.");
            if (!own) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }

    @Test
    void theEngineReportsBrotliAvailableHere() throws IOException {
        assertTrue(BrotliSupport.isAvailable());
    }
}
