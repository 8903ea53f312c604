package dev.gangway.accounts.signin;

import dev.gangway.accounts.identity.SignedInPerson;

/** The self-service page's HTML; every value from the provider is escaped. */
final class AccountPage {

    private AccountPage() {
    }

    static String render(SignedInPerson person, boolean allowed, String allowedGroup) {
        StringBuilder html = new StringBuilder(1024);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Gangway: your account</title><style>")
                .append("body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append("h1{font-size:1.5rem}.who{background:#f4f6f8;border-radius:6px;padding:1rem}")
                .append(".no{color:#a40000}</style></head><body><h1>Gangway</h1>")
                .append("<div class=\"who\">Signed in as <strong id=\"display-name\">").append(escape(person.displayName()))
                .append("</strong>");
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
            html.append("<p class=\"no\" id=\"not-allowed\">You are not in the group <code>").append(escape(allowedGroup))
                    .append("</code>, so you cannot register SSH keys or open tunnels here.</p>");
        }
        return html.append("</body></html>").toString();
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
