package dev.gangway.it.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's view of a process's TCP connections (Linux {@code /proc}), to see when the server hangs up on a
 * client that cannot notice by itself: a frozen ({@code SIGSTOP}) ssh's socket goes from ESTABLISHED to CLOSE_WAIT
 * the moment the server closes its end, whatever the process does.
 */
public final class TcpStates {

    public static final String ESTABLISHED = "ESTABLISHED";
    public static final String CLOSE_WAIT = "CLOSE_WAIT";

    /** /proc/net/tcp's state codes (include/net/tcp_states.h). */
    private static final String[] NAMES = {"?", ESTABLISHED, "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", CLOSE_WAIT, "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private TcpStates() {
    }

    /**
     * The state of {@code pid}'s TCP connection to {@code remotePort}, or empty when the process holds none (it exited
     * or closed its socket).
     */
    public static Optional<String> connectionTo(long pid, int remotePort) throws IOException {
        Set<String> inodes = socketInodes(pid);
        String port = String.format(Locale.ROOT, "%04X", remotePort);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                if (f.length > 9 && f[2].endsWith(":" + port) && inodes.contains(f[9])) {
                    int state = Integer.parseInt(f[3], 16);
                    return Optional.of(state < NAMES.length ? NAMES[state] : f[3]);
                }
            }
        }
        return Optional.empty();
    }

    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        if (!Files.isDirectory(fds)) {
            return inodes;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // The descriptor was closed while we listed them: not a socket we are looking for any more.
                }
            }
        }
        return inodes;
    }
}
