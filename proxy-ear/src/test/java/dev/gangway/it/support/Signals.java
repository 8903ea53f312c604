package dev.gangway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals for a client process, to make the failures a tunnel server meets in production: {@code SIGSTOP}
 * freezes a client without closing its socket (a laptop lid, a partition: no FIN, no answers), {@code SIGKILL} ends
 * it abruptly (the kernel still sends a FIN).
 */
public final class Signals {

    private Signals() {
    }

    /**
     * Freezes the process. Close the result to thaw it ({@code SIGCONT}); declare it after the process in a
     * try-with-resources so that the process is thawed before it is asked to exit.
     */
    public static Frozen stop(long pid) throws IOException, InterruptedException {
        send("STOP", pid);
        return new Frozen(pid);
    }

    /** {@code kill -9}: no chance to say goodbye to the server, but the kernel closes its socket. */
    public static void kill(long pid) throws IOException, InterruptedException {
        send("KILL", pid);
    }

    private static void send(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        kill.getOutputStream().close();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new IOException("kill -" + signal + " " + pid + " failed: " + output);
        }
    }

    /** A stopped process; {@link #close()} continues it (idempotent, and harmless once the process is gone). */
    public static final class Frozen implements AutoCloseable {

        private final long pid;
        private boolean thawed;

        private Frozen(long pid) {
            this.pid = pid;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (thawed) {
                return;
            }
            thawed = true;
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                send("CONT", pid);
            }
        }
    }
}
