package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.BrowserSignIn;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HeadlessChromium;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.Poll;
import dev.gangway.it.support.SshKeyPair;
import dev.gangway.it.support.SshProcess;
import dev.gangway.it.support.SshRun;
import dev.gangway.it.support.SsoMode;
import dev.gangway.it.support.Visitor;

/**
 * The self-service page in a real browser against Keycloak, in authMode sso ({@link SsoMode}): a person adds an SSH
 * key (fingerprint as {@code ssh-keygen -l} prints it; a duplicate refused), opens a tunnel with it with the real
 * {@code ssh}, sees the tunnel on the page, and removes the key: the tunnel goes and {@code ssh} ends within 60 s.
 */
@ExtendWith(ArquillianExtension.class)
class SelfServiceIT {

    private static final Duration REVOCATION_LIMIT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @BeforeAll
    static void switchToSso() throws Exception {
        SsoMode.on();
    }

    @AfterAll
    static void switchBackToOpen() throws Exception {
        SsoMode.off();
    }

    @BeforeEach
    void needsChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @Test
    void aKeyAddedOnThePageOpensATunnelAndRemovingItClosesTheTunnel() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start(); SshKeyPair key = SshKeyPair.ed25519();
             Backend backend = Backend.start()) {
            BrowserSignIn.signInToAccount(browser, "bob", "bob-password");
            String fingerprint = key.sshKeygenFingerprint();

            addKey(browser, key.publicKeyLine(), "laptop");
            String shown = Poll.until(Duration.ofSeconds(10), "the key listed on the page",
                    () -> eval(browser, "const r = document.querySelector('#keys tr[data-fingerprint]');"
                            + "done(r ? r.querySelector('.fingerprint').textContent : '');").asString(),
                    text -> !text.isEmpty());
            assertEquals(fingerprint, shown, "the fingerprint as ssh-keygen -l prints it");

            renameOnThePage(browser);

            addKey(browser, key.publicKeyLine(), "again");
            String refusal = Poll.until(Duration.ofSeconds(10), "the duplicate refused",
                    () -> BrowserSignIn.text(browser, "key-error"), text -> text != null && !text.isEmpty());
            assertTrue(refusal.toLowerCase().contains("already"), refusal);
            assertEquals(1, eval(browser, "done(document.querySelectorAll('#keys tbody tr').length);").asInt());

            String tunnelKey = "web-" + key.clientId();
            try (SshProcess ssh = SshProcess.start(key, "selfservice-env",
                    List.of("-R", "/web:localhost:" + backend.port()), "hello")) {
                ModelNode hello = ModelNode.fromJSONString(ssh.awaitLine(Duration.ofSeconds(30)));
                assertTrue(hello.hasDefined("tunnels", "/web"), hello.toJSONString(true) + ssh.describe());
                assertEquals(200, Visitor.get(ItServer.tunnelHost(tunnelKey), "/").statusCode());

                String url = Poll.until(Duration.ofSeconds(15), "the tunnel listed on the page",
                        () -> eval(browser, "window.gangwayRefresh().then(() => {"
                                + "const a = document.querySelector('#tunnels tr[data-key=\"" + tunnelKey + "\"] a');"
                                + "done(a ? a.href : ''); });").asString(), text -> !text.isEmpty());
                assertEquals(hello.get("tunnels", "/web").asString(), url);

                eval(browser, "document.querySelector('#keys tr[data-fingerprint] button.remove').click();"
                        + "done(true);");
                ssh.awaitExit(REVOCATION_LIMIT);
                assertNotEquals(200, Visitor.get(ItServer.tunnelHost(tunnelKey), "/").statusCode(),
                        "the tunnel is gone with its key");
                assertEquals(0, Poll.until(Duration.ofSeconds(10), "the key gone from the page",
                        () -> eval(browser, "window.gangwayRefresh().then(() => "
                                + "done(document.querySelectorAll('#keys tbody tr').length));").asInt(), n -> n == 0));
            }
        }
    }

    @Test
    void stateChangingCallsWithoutTheCsrfHeaderAreRefused() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            BrowserSignIn.signInToAccount(browser, "alice", "alice-password");
            ModelNode status = eval(browser, "fetch('/_gangway/api/keys', {method: 'POST', credentials: 'same-origin',"
                    + "headers: {'Content-Type': 'application/json'}, body: '{}'}).then(r => done(r.status));");
            assertEquals(403, status.asInt());
            String plain = BrowserSignIn.text(browser, "ssh-plain");
            assertEquals("ssh -R /myapp:localhost:3000 -p " + ItServer.sshPort() + " " + ItServer.HOST + " hello", plain);
            String tls = BrowserSignIn.text(browser, "ssh-tls");
            assertTrue(tls.contains("-alpn ssh") && tls.contains(":" + ItServer.tlsPort()), tls);
        }
    }

    @Test
    void anAdministratorSeesEveryKeyAndRevokesOneWhileItsTunnelIsOpenAndTheAuditLogSaysSo() throws Exception {
        try (HeadlessChromium owner = HeadlessChromium.start(); HeadlessChromium admin = HeadlessChromium.start();
             SshKeyPair key = SshKeyPair.ed25519(); SshKeyPair stranger = SshKeyPair.ed25519();
             Backend backend = Backend.start()) {
            BrowserSignIn.signInToAccount(owner, "alice", "alice-password");
            addKey(owner, key.publicKeyLine(), "desktop");
            String fingerprint = key.sshKeygenFingerprint();
            Poll.until(Duration.ofSeconds(10), "alice's key listed", () -> eval(owner,
                    "done(!!document.querySelector('#keys tr[data-fingerprint=\"" + fingerprint + "\"]'));")
                    .asBoolean(), listed -> listed);
            ModelNode notAdmin = eval(owner, "fetch('/_gangway/api/admin/keys').then(r => done(r.status));");
            assertEquals(403, notAdmin.asInt(), "alice is no administrator");
            SshRun.Result refused = SshRun.run(stranger, "audit-env", List.of(), Duration.ofSeconds(30), "hello");
            assertNotEquals(0, refused.exitStatus(), refused.describe());

            try (SshProcess ssh = SshProcess.start(key, "admin-env", List.of("-R", "/app:localhost:" + backend.port()),
                    "hello")) {
                ssh.awaitLine(Duration.ofSeconds(30));
                BrowserSignIn.signInToAccount(admin, "ada", "ada-password");
                String row = "#all-keys tr[data-fingerprint=\"" + fingerprint + "\"]";
                String ownerShown = Poll.until(Duration.ofSeconds(10), "alice's key on the admin page",
                        () -> eval(admin, "window.gangwayRefresh().then(() => { const r = document.querySelector('"
                                + row + "'); done(r ? r.cells[0].textContent : ''); });").asString(),
                        text -> !text.isEmpty());
                assertEquals("alice", ownerShown);
                assertEquals("alice", eval(admin, "const r = document.querySelector('#all-tunnels tr[data-key=\"app-"
                        + key.clientId() + "\"]'); done(r ? r.cells[0].textContent : '');").asString());

                eval(admin, "document.querySelector('" + row + " button').click(); done(true);");
                ssh.awaitExit(REVOCATION_LIMIT);
                assertNotEquals(200, Visitor.get(ItServer.tunnelHost("app-" + key.clientId()), "/").statusCode());
            }

            Path audit = ItServer.serverDir().resolve("standalone/log/gangway-audit.log");
            List<String> lines = Poll.until(Duration.ofSeconds(10), "the audit lines", () -> Files.readAllLines(audit),
                    l -> l.stream().anyMatch(x -> x.contains("event=key-removed actor=ada")));
            assertAuditLine(lines, "event=sign-in actor=alice ", "from=127.0.0.1");
            assertAuditLine(lines, "event=key-added actor=alice ", "key=" + fingerprint);
            assertAuditLine(lines, "event=ssh-login-allowed owner=alice ", "key=" + fingerprint);
            assertAuditLine(lines, "event=ssh-login-refused key=" + stranger.sshKeygenFingerprint(), "key not registered");
            assertAuditLine(lines, "event=key-removed actor=ada ", "key=" + fingerprint);
            assertAuditLine(lines, "event=tunnel-opened owner=alice ", "key=" + fingerprint,
                    "tunnel=app-" + key.clientId());
            assertAuditLine(lines, "event=tunnel-closed owner=alice ", "tunnel=app-" + key.clientId(),
                    "reason=\"key revoked by an administrator\"");
            String serverLog = Files.readString(ItServer.serverDir().resolve("standalone/log/server.log"));
            assertFalse(serverLog.contains("event=key-removed"), "audit lines go to their own file only");
        }
    }

    /** One line has every part, and starts with an ISO-8601 time. */
    private static void assertAuditLine(List<String> lines, String... parts) {
        assertTrue(lines.stream().anyMatch(l -> java.util.Arrays.stream(parts).allMatch(l::contains)
                        && l.matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}.*")),
                "no audit line with " + List.of(parts) + " in:\n" + String.join("\n", lines));
    }

    /**
     * The key's Rename button turns its name into a small form: Escape gives the name back untouched, a name the
     * registry refuses shows its reason and keeps the form, and a good one is saved and shown.
     */
    private static void renameOnThePage(HeadlessChromium browser) throws Exception {
        String row = "document.querySelector('#keys tr[data-fingerprint]')";
        boolean focused = eval(browser, row + ".querySelector('button.rename').click(); const input = " + row
                + ".querySelector('td.name form input'); const focused = document.activeElement === input;"
                + "input.value = 'discarded'; input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));"
                + "done(focused);").asBoolean();
        assertTrue(focused, "the name field has the focus, ready to type");
        assertEquals("laptop", eval(browser, "done(" + row + ".querySelector('td.name').textContent);").asString(),
                "Escape cancels");

        eval(browser, row + ".querySelector('button.rename').click(); const form = " + row
                + ".querySelector('td.name form'); form.querySelector('input').value = '<b>bold</b>';"
                + "form.requestSubmit(); done(true);");
        String refusal = Poll.until(Duration.ofSeconds(10), "the bad name refused",
                () -> BrowserSignIn.text(browser, "keys-error"), text -> text != null && !text.isEmpty());
        assertTrue(refusal.contains("starts with a letter or digit"), refusal);

        eval(browser, "const form = " + row + ".querySelector('td.name form');"
                + "form.querySelector('input').value = 'work laptop'; form.requestSubmit(); done(true);");
        String renamed = Poll.until(Duration.ofSeconds(10), "the new name on the page",
                () -> eval(browser, "done(" + row + ".querySelector('td.name').textContent);").asString(),
                "work laptop"::equals);
        assertEquals("work laptop", renamed);
        assertEquals("", BrowserSignIn.text(browser, "keys-error"), "the earlier refusal is gone");
        assertEquals("work laptop", eval(browser, "fetch('/_gangway/api/keys').then(r => r.json())"
                + ".then(keys => done(keys[0].name));").asString(), "saved in the registry");
    }

    private static void addKey(HeadlessChromium browser, String publicKeyLine, String name) throws Exception {
        eval(browser, "document.getElementById('public-key').value = " + new ModelNode(publicKeyLine).toJSONString(true)
                + "; document.getElementById('key-name').value = " + new ModelNode(name).toJSONString(true)
                + "; document.getElementById('add-key-form').requestSubmit(); done(true);");
    }

    /** Runs {@code body} in the page; it calls {@code done(result)}. */
    private static ModelNode eval(HeadlessChromium browser, String body) throws Exception {
        return browser.executeAsync("const done = arguments[arguments.length - 1];" + body);
    }
}
