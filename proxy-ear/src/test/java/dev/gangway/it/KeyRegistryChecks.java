package dev.gangway.it;

import static dev.gangway.it.support.RegistryEndpoint.call;
import static dev.gangway.it.support.RegistryEndpoint.signIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.gangway.it.support.RegistryEndpoint.Answer;
import dev.gangway.it.support.SshKeyPair;

/**
 * The key registry's behaviour on whatever database GangwayDS points at: {@link KeyRegistryIT} runs these on the
 * default H2 file database, {@link KeyRegistryPostgreSqlIT} on a real PostgreSQL. Every test makes its own people
 * (fresh subjects) and keys, so the order of tests and earlier runs on the same database do not matter.
 */
abstract class KeyRegistryChecks {

    /** A subject no earlier test or run has used. */
    static String person(String role) {
        return role + "-" + UUID.randomUUID();
    }

    static ModelNode addKey(String subject, SshKeyPair key, String name) throws Exception {
        Answer added = call("addKey", "subject", subject, "publicKey", key.publicKeyLine(), "name", name);
        assertEquals(200, added.status(), added.describe());
        return added.body();
    }

    @Test
    void signInCreatesTheAccountAndALaterOneUpdatesIt() throws Exception {
        String alice = person("alice");

        ModelNode first = signIn(alice, false, "developers", "ops");
        ModelNode second = signIn(alice, true, "developers");
        Answer stored = call("account", "subject", alice);

        assertEquals(200, stored.status(), stored.describe());
        ModelNode account = stored.body();
        assertEquals("Name of " + alice, account.get("displayName").asString());
        assertEquals(alice + "@example.test", account.get("email").asString());
        assertEquals(List.of("developers"), account.get("groups").asList().stream().map(ModelNode::asString).toList());
        assertTrue(account.get("admin").asBoolean());
        assertEquals(first.get("createdAt").asString(), account.get("createdAt").asString());
        assertEquals(second.get("lastConfirmedAt").asString(), account.get("lastConfirmedAt").asString());
        assertFalse(Instant.parse(second.get("lastConfirmedAt").asString())
                .isBefore(Instant.parse(first.get("lastConfirmedAt").asString())));
    }

    @Test
    void confirmationMovesLastConfirmedAtAndNeedsAnAccount() throws Exception {
        String bob = person("bob");
        Instant signedIn = Instant.parse(signIn(bob, false).get("lastConfirmedAt").asString());
        Thread.sleep(5);

        assertEquals(200, call("confirmed", "subject", bob).status());
        Instant confirmed = Instant.parse(call("account", "subject", bob).body().get("lastConfirmedAt").asString());
        Answer stranger = call("confirmed", "subject", person("nobody"));

        assertTrue(confirmed.isAfter(signedIn), signedIn + " then " + confirmed);
        assertEquals(404, stranger.status(), stranger.describe());
        assertEquals("NO_SUCH_ACCOUNT", stranger.reason());
    }

    @ParameterizedTest
    @CsvSource({"ed25519, 0, ssh-ed25519", "rsa, 3072, ssh-rsa", "ecdsa, 256, ecdsa-sha2-nistp256",
            "ecdsa, 384, ecdsa-sha2-nistp384", "ecdsa, 521, ecdsa-sha2-nistp521"})
    void registeredKeyIsFoundByTheFingerprintSshKeygenPrints(String type, int bits, String keyType) throws Exception {
        String carol = person("carol");
        signIn(carol, false, "developers");
        try (SshKeyPair key = SshKeyPair.generate(type, bits)) {
            ModelNode added = addKey(carol, key, "  laptop (" + type + ")  ");

            String fingerprint = key.sshKeygenFingerprint();
            assertEquals(fingerprint, added.get("fingerprint").asString());
            assertEquals(keyType, added.get("keyType").asString());
            assertEquals("laptop (" + type + ")", added.get("name").asString());
            // Stored without the comment: type and key data only.
            String[] line = key.publicKeyLine().split(" ");
            assertEquals(line[0] + " " + line[1], added.get("publicKey").asString());

            Answer found = call("findByFingerprint", "fingerprint", fingerprint);
            assertEquals(200, found.status(), found.describe());
            assertEquals(added.get("id").asLong(), found.body().get("id").asLong());
            assertEquals(carol, found.body().get("owner", "subject").asString());
            assertEquals("developers", found.body().get("owner", "groups").get(0).asString());
            assertFalse(found.body().get("lastUsedAt").isDefined(), found.describe());
        }
    }

    @Test
    void keysOfAnAccountAreListedOldestFirst() throws Exception {
        String dave = person("dave");
        signIn(dave, false);
        try (SshKeyPair first = SshKeyPair.ed25519(); SshKeyPair second = SshKeyPair.generate("ecdsa")) {
            addKey(dave, first, "first");
            addKey(dave, second, "second");

            Answer keys = call("keysOf", "subject", dave);

            assertEquals(200, keys.status(), keys.describe());
            assertEquals(List.of("first", "second"),
                    keys.body().asList().stream().map(k -> k.get("name").asString()).toList());
        }
    }

    @Test
    void aKeyIsRegisteredOnceWhoeverTriesAgain() throws Exception {
        String erin = person("erin");
        String frank = person("frank");
        signIn(erin, false);
        signIn(frank, false);
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            addKey(erin, key, "mine");

            Answer again = call("addKey", "subject", erin, "publicKey", key.publicKeyLine(), "name", "again");
            Answer other = call("addKey", "subject", frank, "publicKey", key.publicKeyLine(), "name", "stolen");

            assertEquals(409, again.status(), again.describe());
            assertEquals("DUPLICATE_KEY", again.reason());
            assertEquals(409, other.status(), other.describe());
            assertFalse(other.body().get("message").asString().contains(erin), "the owner stays unsaid: "
                    + other.describe());
            assertEquals(erin, call("findByFingerprint", "fingerprint", key.sshKeygenFingerprint()).body()
                    .get("owner", "subject").asString());
        }
    }

    /**
     * Two people registering the same key at the same moment both pass the registry's look-up; the database's
     * UNIQUE constraint must let exactly one in and the other must get the same 409, never a 500.
     */
    @Test
    void simultaneousRegistrationsOfOneKeyLetExactlyOneIn() throws Exception {
        String gina = person("gina");
        String hank = person("hank");
        signIn(gina, false);
        signIn(hank, false);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                try (SshKeyPair key = SshKeyPair.ed25519()) {
                    CyclicBarrier start = new CyclicBarrier(2);
                    List<Future<Answer>> answers = new ArrayList<>();
                    for (String subject : List.of(gina, hank)) {
                        Callable<Answer> register = () -> {
                            start.await(10, TimeUnit.SECONDS);
                            return call("addKey", "subject", subject, "publicKey", key.publicKeyLine(),
                                    "name", "race");
                        };
                        answers.add(pool.submit(register));
                    }
                    List<Integer> statuses = new ArrayList<>();
                    for (Future<Answer> answer : answers) {
                        statuses.add(answer.get(60, TimeUnit.SECONDS).status());
                    }
                    statuses.sort(null);
                    assertEquals(List.of(200, 409), statuses, "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidKeysNamesAndUnknownAccountsAreRefusedWithTheirReason() throws Exception {
        String ivan = person("ivan");
        signIn(ivan, false);
        try (SshKeyPair weak = SshKeyPair.generate("rsa", 1024); SshKeyPair good = SshKeyPair.ed25519()) {
            Answer weakKey = call("addKey", "subject", ivan, "publicKey", weak.publicKeyLine(), "name", "old");
            Answer badName = call("addKey", "subject", ivan, "publicKey", good.publicKeyLine(),
                    "name", "line\nbreak");
            Answer noAccount = call("addKey", "subject", person("ghost"), "publicKey", good.publicKeyLine(),
                    "name", "ok");

            assertEquals(400, weakKey.status(), weakKey.describe());
            assertEquals("INVALID_KEY", weakKey.reason());
            assertTrue(weakKey.body().get("message").asString().contains("2048"), weakKey.describe());
            assertEquals(400, badName.status(), badName.describe());
            assertEquals("INVALID_NAME", badName.reason());
            assertEquals(404, noAccount.status(), noAccount.describe());
            assertEquals("NO_SUCH_ACCOUNT", noAccount.reason());
            assertEquals(0, call("keysOf", "subject", ivan).body().asList().size());
        }
    }

    @Test
    void onlyTheOwnerOrAnAdminRenamesAndRemovesAKey() throws Exception {
        String judy = person("judy");
        String mallory = person("mallory");
        String admin = person("admin");
        signIn(judy, false);
        signIn(mallory, false);
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            long id = addKey(judy, key, "judy laptop").get("id").asLong();

            Answer renamedByOther = call("renameKey", "actor", mallory, "id", id, "name", "mine now");
            Answer removedByOther = call("removeKey", "actor", mallory, "id", id);
            Answer renamed = call("renameKey", "actor", judy, "id", id, "name", "work laptop");
            Answer removedByAdmin = call("removeKey", "actor", admin, "admin", true, "id", id);
            Answer removedAgain = call("removeKey", "actor", judy, "id", id);

            assertEquals(404, renamedByOther.status(), renamedByOther.describe());
            assertEquals("NO_SUCH_KEY", renamedByOther.reason());
            assertEquals(404, removedByOther.status(), removedByOther.describe());
            assertEquals(200, renamed.status(), renamed.describe());
            assertEquals("work laptop", renamed.body().get("name").asString());
            assertEquals(200, removedByAdmin.status(), removedByAdmin.describe());
            assertEquals(key.sshKeygenFingerprint(), removedByAdmin.body().get("fingerprint").asString());
            assertEquals(404, removedAgain.status(), removedAgain.describe());
            Answer gone = call("findByFingerprint", "fingerprint", key.sshKeygenFingerprint());
            assertEquals(200, gone.status(), gone.describe());
            assertFalse(gone.body().isDefined(), gone.describe());
        }
    }

    @Test
    void everyKeyIsListedForAdminsOnly() throws Exception {
        String kim = person("kim");
        String leo = person("leo");
        signIn(kim, false);
        signIn(leo, false);
        try (SshKeyPair kimsKey = SshKeyPair.ed25519(); SshKeyPair leosKey = SshKeyPair.ed25519()) {
            addKey(kim, kimsKey, "kim");
            addKey(leo, leosKey, "leo");

            Answer asPerson = call("allKeys", "actor", kim);
            Answer asAdmin = call("allKeys", "actor", person("admin"), "admin", true);

            assertEquals(403, asPerson.status(), asPerson.describe());
            assertEquals("NOT_ALLOWED", asPerson.reason());
            assertEquals(200, asAdmin.status(), asAdmin.describe());
            List<String> owners = asAdmin.body().asList().stream().map(k -> k.get("owner", "subject").asString())
                    .toList();
            assertTrue(owners.contains(kim) && owners.contains(leo), owners.toString());
        }
    }

    @Test
    void aLoginIsRecordedOnTheKey() throws Exception {
        String mia = person("mia");
        signIn(mia, false);
        try (SshKeyPair key = SshKeyPair.ed25519()) {
            addKey(mia, key, "mia");
            Instant when = Instant.parse("2026-11-30T12:34:56.123456Z");

            Answer recorded = call("recordUse", "fingerprint", key.sshKeygenFingerprint(), "at", when.toString());
            Answer unknown = call("recordUse", "fingerprint", "SHA256:" + "A".repeat(43), "at", when.toString());

            assertTrue(recorded.body().asBoolean(), recorded.describe());
            assertFalse(unknown.body().asBoolean(), unknown.describe());
            ModelNode found = call("findByFingerprint", "fingerprint", key.sshKeygenFingerprint()).body();
            assertEquals(when, Instant.parse(found.get("lastUsedAt").asString()));
        }
    }
}
