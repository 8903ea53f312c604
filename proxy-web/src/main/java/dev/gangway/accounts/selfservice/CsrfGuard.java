package dev.gangway.accounts.selfservice;

import java.util.Set;

import jakarta.json.Json;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Cross-site request forgery guard: a state-changing call must carry {@value #HEADER}. A page on another origin
 * cannot send a custom header without a CORS preflight, which this API never answers with permission, while the
 * session cookie alone (which a forged form post would carry) is not enough.
 */
@Provider
public class CsrfGuard implements ContainerRequestFilter {

    public static final String HEADER = "X-Gangway-Request";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public void filter(ContainerRequestContext request) {
        if (!SAFE.contains(request.getMethod()) && request.getHeaderString(HEADER) == null) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Json.createObjectBuilder().add("reason", "CSRF")
                            .add("message", "state-changing calls need the " + HEADER + " header").build().toString())
                    .build());
        }
    }
}
