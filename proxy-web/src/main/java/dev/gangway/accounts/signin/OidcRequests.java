package dev.gangway.accounts.signin;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.connector.api.SsoSettings;
import org.wildfly.security.http.oidc.IDToken;
import org.wildfly.security.http.oidc.OidcPrincipal;
import org.wildfly.security.http.oidc.RefreshableOidcSecurityContext;

/** Reads the signed-in person from a request that WildFly's OIDC mechanism authenticated. */
public final class OidcRequests {

    private OidcRequests() {
    }

    /** The person, or empty when the request carries no OIDC principal (not signed in through the provider). */
    public static Optional<SignedInPerson> person(HttpServletRequest request, SsoSettings sso) {
        if (!(request.getUserPrincipal() instanceof OidcPrincipal<?> principal)) {
            return Optional.empty();
        }
        IDToken token = principal.getOidcSecurityContext().getIDToken();
        if (token == null) {
            return Optional.empty();
        }
        List<String> groups = token.hasClaim(sso.groupsClaim()) ? token.getStringListClaimValue(sso.groupsClaim()) : null;
        return Optional.of(SignedInPeople.person(token.getSubject(), token.getPreferredUsername(), token.getEmail(),
                groups, sso.adminGroup()));
    }

    /**
     * The refresh token WildFly's OIDC mechanism received with the request's sign-in, or empty (not signed in through
     * the provider, or the provider issued none). Never log it.
     */
    public static Optional<String> refreshToken(HttpServletRequest request) {
        if (request.getUserPrincipal() instanceof OidcPrincipal<?> principal
                && principal.getOidcSecurityContext() instanceof RefreshableOidcSecurityContext context) {
            return Optional.ofNullable(context.getRefreshToken()).filter(token -> !token.isEmpty());
        }
        return Optional.empty();
    }
}
