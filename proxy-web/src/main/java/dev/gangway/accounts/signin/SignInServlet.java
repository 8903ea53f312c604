package dev.gangway.accounts.signin;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import dev.gangway.accounts.audit.AuditLog;
import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.visit.VisitorHandoff;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.proxy.web.ProxyRuntime;
import dev.gangway.proxy.web.SignInPaths;

/**
 * Where a sign-in lands once WildFly's OIDC mechanism has verified the person at the provider: the account is
 * created or updated from the ID token's claims (the provider has just vouched for the person, so this counts as a
 * confirmation), then the browser goes on to the self-service page, or, for a private tunnel's visitor (the return
 * URL {@link SignInStart} kept in the session), back to that tunnel through a one-time code.
 */
@WebServlet(SignInPaths.SIGN_IN_DONE)
public class SignInServlet extends HttpServlet {

    @Inject
    private KeyRegistry registry;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SsoSettings sso = ProxyRuntime.of(getServletContext()).factory().settings().sso();
        SignedInPerson person = OidcRequests.person(request, sso).orElse(null);
        if (person == null) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "not signed in through single sign-on");
            return;
        }
        // The refresh token lets the key authority re-check the person at the provider later (at SSH logins and on
        // the interval) without them; a sign-in also lifts a refusal from an earlier re-check.
        registry.signedIn(SignedInPeople.claims(person), OidcRequests.refreshToken(request).orElse(null));
        SignInLogger.LOG.signedIn(person.displayName(), person.subject(), request.getRemoteAddr());
        AuditLog.LOG.signIn(person.displayName(), person.subject(), String.join(",", person.groups()),
                request.getRemoteAddr());
        HttpSession session = request.getSession(false);
        String returnUrl = session == null ? null : (String) session.getAttribute(SignInStart.RETURN_ATTRIBUTE);
        if (session != null) {
            session.removeAttribute(SignInStart.RETURN_ATTRIBUTE); // used once: a later plain sign-in goes to the page
        }
        if (returnUrl == null || returnUrl.isEmpty()) {
            response.sendRedirect(SignInPaths.ACCOUNT);
            return;
        }
        // A private tunnel's visitor: back to the tunnel host with a one-time code, which its callback turns into
        // that host's own session cookie (VisitorHandoff). A return URL that is not on a tunnel host is refused, so
        // the sign-in page is no open redirect.
        String target;
        try {
            target = VisitorHandoff.from(getServletContext()).issue(person, returnUrl);
        } catch (IllegalArgumentException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "return is not a URL on a tunnel host");
            return;
        }
        response.sendRedirect(target);
    }
}
