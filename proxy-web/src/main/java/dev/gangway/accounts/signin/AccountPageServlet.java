package dev.gangway.accounts.signin;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.proxy.web.ProxyRuntime;
import dev.gangway.proxy.web.SignInPaths;

/** The self-service page: who is signed in, and whether they may hold tunnels. */
@WebServlet(SignInPaths.ACCOUNT)
public class AccountPageServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProxyRuntime runtime = ProxyRuntime.of(getServletContext());
        SsoSettings sso = runtime.factory().settings().sso();
        SignedInPerson person = OidcRequests.person(request, sso).orElse(null);
        if (person == null) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "not signed in through single sign-on");
            return;
        }
        response.setContentType("text/html; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(AccountPage.render(person, SignedInPeople.allowed(person, sso.allowedGroup()), sso,
                runtime.baseHost()));
    }
}
