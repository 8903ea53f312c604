package dev.gangway.accounts.visit.testendpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.visit.VisitorHandoff;

/**
 * TEST ONLY, mapped only with {@code -Dgangway.test-endpoints=true}: issues a visitor handoff for a person given in
 * the request, standing in for the sign-in servlet so that the ITs can test codes, cookies and authorization before
 * single sign-on exists. {@code POST} with form fields {@code subject}, {@code name}, {@code email}, {@code groups}
 * (comma-separated) and {@code return}; answers the callback URL as text.
 */
public class VisitorHandoffTestServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String groups = request.getParameter("groups");
        String email = request.getParameter("email");
        SignedInPerson person = new SignedInPerson(request.getParameter("subject"), request.getParameter("name"),
                email == null || email.isBlank() ? null : email,
                groups == null || groups.isBlank() ? List.of() : Arrays.asList(groups.split(",")), false);
        String target;
        try {
            target = VisitorHandoff.from(getServletContext()).issue(person, request.getParameter("return"));
        } catch (IllegalArgumentException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        response.setContentType("text/plain; charset=utf-8");
        response.getOutputStream().write(target.getBytes(StandardCharsets.UTF_8));
    }
}
