package dev.gangway.connector.ssh;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Cluster nodes starting at the same moment against one shared, absent host key file must all end up with the same
 * key: exactly one creation wins, the others read its file (a rename would let the last writer replace the key some
 * node already serves).
 */
class HostKeysRaceTest {

    @TempDir
    Path dir;

    @RepeatedTest(5)
    void serversRacingToCreateTheSharedHostKeyAllGetTheSameKey() throws Exception {
        Path file = dir.resolve("shared/ssh_host_key");
        int racers = 6;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<KeyPair>> keys = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                keys.add(pool.submit((Callable<KeyPair>) () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return HostKeys.loadOrCreate(file);
                }));
            }
            Set<String> fingerprints = keys.stream().map(f -> {
                try {
                    return HostKeys.fingerprint(f.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.toSet());
            assertEquals(1, fingerprints.size(), "one key for every racer: " + fingerprints);
            assertEquals(fingerprints.iterator().next(), HostKeys.fingerprint(HostKeys.loadOrCreate(file)));
            try (var left = Files.list(file.getParent())) {
                assertEquals(List.of(file), left.toList(), "no temp file left behind");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
