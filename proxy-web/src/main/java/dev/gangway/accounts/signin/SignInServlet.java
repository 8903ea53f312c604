package dev.gangway.accounts.signin;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.gangway.accounts.audit.AuditLog;
import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.proxy.web.ProxyRuntime;
import dev.gangway.proxy.web.SignInPaths;

/**
 * Where a sign-in lands once WildFly's OIDC mechanism has verified the person at the provider: the account is
 * created or updated from the ID token's claims (the provider has just vouched for the person, so this counts as a
 * confirmation), then the browser goes on to the self-service page.
 */
@WebServlet(SignInPaths.SIGN_IN)
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
        registry.signedIn(SignedInPeople.claims(person));
        SignInLogger.LOG.signedIn(person.displayName(), person.subject(), request.getRemoteAddr());
        AuditLog.LOG.signIn(person.displayName(), person.subject(), String.join(",", person.groups()),
                request.getRemoteAddr());
        response.sendRedirect(SignInPaths.ACCOUNT);
    }
}
