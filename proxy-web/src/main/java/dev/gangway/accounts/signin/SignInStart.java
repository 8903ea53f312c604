package dev.gangway.accounts.signin;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.gangway.accounts.visit.VisitorHandoff;
import dev.gangway.proxy.web.SignInPaths;

/**
 * Where sign-in starts ({@code /_gangway/signin}, where a private tunnel sends a visitor without credentials, with
 * {@code ?return=<the URL they asked for>}). WildFly's OIDC mechanism would lose that query: it sends the provider a
 * {@code redirect_uri} of the page's path alone. So this page, outside the OIDC constraint, keeps the return URL in
 * the visitor's session on the base host and sends them to {@link SignInPaths#SIGN_IN_DONE}, which the mechanism
 * protects and which takes the return URL back ({@link SignInServlet}).
 *
 * <p>A return URL that is not on a tunnel host is refused here already, so the sign-in is no open redirect. Two tunnels
 * signed in to at once in one browser share the session: the later return URL wins, and the earlier tab lands on that
 * tunnel's page instead (it asks again and gets through on the session).
 */
@WebServlet(SignInPaths.SIGN_IN)
public class SignInStart extends HttpServlet {

    static final String RETURN_ATTRIBUTE = SignInStart.class.getName() + ".return";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String returnUrl = request.getParameter("return");
        if (returnUrl != null && !returnUrl.isEmpty()) {
            if (!VisitorHandoff.from(getServletContext()).isTunnelUrl(returnUrl)) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "return is not a URL on a tunnel host");
                return;
            }
            request.getSession().setAttribute(RETURN_ATTRIBUTE, returnUrl);
        } else {
            var session = request.getSession(false);
            if (session != null) {
                session.removeAttribute(RETURN_ATTRIBUTE);
            }
        }
        response.setHeader("Cache-Control", "no-store");
        response.sendRedirect(SignInPaths.SIGN_IN_DONE);
    }
}
