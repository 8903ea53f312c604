package dev.gangway.accounts.signin;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.connector.api.SsoSettings;

/**
 * The self-service page's HTML: who is signed in, and for people in the allowed group the key and tunnel sections
 * that {@code account.js} fills from the REST API, plus the {@code ssh -R} commands to copy. Every value from the
 * provider is escaped.
 */
final class AccountPage {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
            + "padding:0 1rem;color:#1d232a;background:#fafbfc}h1{font-size:1.6rem;margin-bottom:.5rem}"
            + "h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde3ea;padding-bottom:.3rem}"
            + ".who{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:1rem}"
            + ".no{color:#a40000}.error{color:#a40000;min-height:1.2em}"
            + "table{border-collapse:collapse;width:100%;background:#fff}"
            + "th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #edf0f3;font-size:.92rem}"
            + "code,pre{font-family:ui-monospace,monospace;font-size:.85rem}"
            + "pre{background:#1d232a;color:#e8edf2;padding:.8rem;border-radius:6px;overflow-x:auto}"
            + "textarea{width:100%;height:5rem;font-family:ui-monospace,monospace}"
            + "input[type=text]{width:16rem}button{cursor:pointer;padding:.3rem .8rem}"
            + "form{display:grid;gap:.5rem;background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:1rem}"
            + "form.inline{display:flex;gap:.4rem;align-items:center;background:none;border:0;padding:0}"
            + "form.inline input{flex:1;min-width:6rem;width:auto}"
            + "td.actions{white-space:nowrap}td.actions button+button{margin-left:.4rem}"
            + "td.fingerprint{font-family:ui-monospace,monospace;font-size:.8rem;word-break:break-all}";

    private AccountPage() {
    }

    static String render(SignedInPerson person, boolean allowed, SsoSettings sso, String baseHost) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Gangway: your account</title><style>").append(STYLE).append("</style></head><body>")
                .append("<h1>Gangway</h1><div class=\"who\">Signed in as <strong id=\"display-name\">")
                .append(escape(person.displayName())).append("</strong>");
        if (person.email() != null) {
            html.append(" (<span id=\"email\">").append(escape(person.email())).append("</span>)");
        }
        html.append("<br>Subject: <code id=\"subject\">").append(escape(person.subject())).append("</code>");
        html.append("<br>Groups: <span id=\"groups\">").append(escape(String.join(", ", person.groups())))
                .append("</span>");
        if (person.admin()) {
            html.append("<br><span id=\"admin\">Administrator</span>");
        }
        html.append("</div>");
        if (!allowed) {
            html.append("<p class=\"no\" id=\"not-allowed\">You are not in the group <code>")
                    .append(escape(sso.allowedGroup()))
                    .append("</code>, so you cannot register SSH keys or open tunnels here.</p>");
            return html.append("</body></html>").toString();
        }
        html.append("<h2>Your SSH keys</h2><table id=\"keys\"><thead><tr><th>Name</th><th>Fingerprint</th>")
                .append("<th>Type</th><th>Last used</th><th></th></tr></thead><tbody></tbody></table>")
                .append("<div class=\"error\" id=\"keys-error\" role=\"alert\"></div>")
                .append("<h2>Add a key</h2><form id=\"add-key-form\">")
                .append("<label>Public key (the line in <code>~/.ssh/id_ed25519.pub</code>)")
                .append("<textarea id=\"public-key\" required></textarea></label>")
                .append("<label>Name <input type=\"text\" id=\"key-name\" maxlength=\"64\" required></label>")
                .append("<div><button type=\"submit\" id=\"add-key\">Add key</button></div>")
                .append("<div class=\"error\" id=\"key-error\" role=\"alert\"></div></form>")
                .append("<h2>Your live tunnels</h2><table id=\"tunnels\"><thead><tr><th>Tunnel</th><th>URL</th>")
                .append("<th>Opened</th><th></th></tr></thead><tbody></tbody></table>")
                .append("<h2>Open a tunnel</h2>");
        String host = escape(baseHost);
        if (sso.sshPort() > 0) {
            html.append("<p>With OpenSSH, for a service on port 3000:</p><pre id=\"ssh-plain\">ssh -R /myapp:localhost:3000 -p ")
                    .append(sso.sshPort()).append(' ').append(host).append(" hello</pre>");
        }
        if (sso.tlsPort() > 0) {
            html.append("<p>Through a firewall that lets only TLS out (SSH inside TLS):</p><pre id=\"ssh-tls\">")
                    .append("ssh -o ProxyCommand=\"openssl s_client -quiet -alpn ssh -servername ").append(host)
                    .append(" -connect ").append(host).append(':').append(sso.tlsPort())
                    .append("\" -R /myapp:localhost:3000 ").append(host).append(" hello</pre>");
        }
        if (person.admin()) {
            html.append("<h2>Administration: every key</h2><table id=\"all-keys\"><thead><tr><th>Owner</th>")
                    .append("<th>Name</th><th>Fingerprint</th><th>Last used</th><th></th></tr></thead><tbody></tbody>")
                    .append("</table><h2>Administration: every tunnel</h2><table id=\"all-tunnels\"><thead><tr>")
                    .append("<th>Owner</th><th>Tunnel</th><th>URL</th><th></th></tr></thead><tbody></tbody></table>");
        }
        return html.append("<script src=\"/_gangway/assets/account.js\"></script></body></html>").toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
