package dev.gangway.proxy.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /.well-known/jwks.json} on the base host: the public key services behind private tunnels verify
 * {@code X-Gangway-Identity} with. Public by nature; cacheable for a few minutes (a key rotation is a planned event).
 */
@WebServlet(urlPatterns = "/.well-known/jwks.json")
public class JwksServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProxyRuntime runtime = (ProxyRuntime) getServletContext().getAttribute(ProxyRuntime.ATTRIBUTE);
        if (runtime == null) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        response.setContentType("application/jwk-set+json");
        response.setHeader("Cache-Control", "public, max-age=300");
        byte[] body = runtime.identityTokens().jwksJson().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
