package dev.gangway.it.support;

import java.io.IOException;
import java.time.Duration;

import org.jboss.dmr.ModelNode;

/** A person signing in through Keycloak's own login form in headless Chromium, as people do. */
public final class BrowserSignIn {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private BrowserSignIn() {
    }

    /**
     * Opens {@code startUrl} (a page that needs sign-in), fills in Keycloak's login form, submits it, and waits
     * until the browser is back on {@code expectedPrefix}.
     *
     * @return the URL the browser ended on
     */
    public static String signIn(HeadlessChromium browser, String startUrl, String username, String password,
                                String expectedPrefix) throws Exception {
        browser.navigate(startUrl);
        String login = location(browser);
        if (!login.contains("/protocol/openid-connect/auth")) {
            throw new AssertionError("expected Keycloak's login form after " + startUrl + ", the browser is at " + login);
        }
        // The callback first, the click after it: the submit navigates away from the page running the script.
        browser.executeAsync("const done = arguments[arguments.length - 1];"
                + "document.getElementById('username').value = " + new ModelNode(username).toJSONString(true) + ";"
                + "document.getElementById('password').value = " + new ModelNode(password).toJSONString(true) + ";"
                + "done(true); setTimeout(() => document.getElementById('kc-login').click(), 0);");
        return Poll.until(TIMEOUT, Duration.ofMillis(200), "back on " + expectedPrefix + " after signing in as " + username,
                () -> location(browser), url -> url.startsWith(expectedPrefix));
    }

    /**
     * Signs {@code username} in at the base host's {@code /_gangway/signin}, lands on the self-service page, and
     * returns the subject it shows.
     */
    public static String signInToAccount(HeadlessChromium browser, String username, String password) throws Exception {
        signIn(browser, ItServer.url("/_gangway/signin").toString(), username, password,
                ItServer.url("/_gangway/account").toString());
        String subject = text(browser, "subject");
        if (subject == null) {
            throw new AssertionError("the self-service page shows no subject");
        }
        return subject;
    }

    /** The page's {@code location.href}. */
    public static String location(HeadlessChromium browser) throws IOException, InterruptedException {
        return browser.executeAsync("arguments[arguments.length - 1](location.href);").asString();
    }

    /** The text of the element with {@code id}, or {@code null} when the page has none. */
    public static String text(HeadlessChromium browser, String id) throws IOException, InterruptedException {
        ModelNode value = browser.executeAsync("const e = document.getElementById("
                + new ModelNode(id).toJSONString(true) + "); arguments[arguments.length - 1](e ? e.textContent : null);");
        return value.isDefined() ? value.asString() : null;
    }
}
