package dev.gangway.accounts.selfservice;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;

import dev.gangway.accounts.identity.SignedInPerson;
import dev.gangway.accounts.registry.KeyRegistryException;
import dev.gangway.accounts.signin.OidcRequests;
import dev.gangway.accounts.signin.SignedInPeople;
import dev.gangway.connector.api.SsoSettings;
import dev.gangway.connector.api.TunnelConnectionFactory;
import dev.gangway.proxy.web.ProxyRuntime;

/** Who is calling the API, and what the deployment's settings make of them. */
record Caller(SignedInPerson person, SsoSettings sso, TunnelConnectionFactory factory) {

    static Caller of(HttpServletRequest request, ServletContext context) {
        TunnelConnectionFactory factory = ProxyRuntime.of(context).factory();
        SsoSettings sso = factory.settings().sso();
        SignedInPerson person = OidcRequests.person(request, sso).orElseThrow(() -> new KeyRegistryException(
                KeyRegistryException.Reason.NOT_ALLOWED, "not signed in through single sign-on"));
        return new Caller(person, sso, factory);
    }

    /** Refuses unless the person may register keys and hold tunnels. */
    Caller requireAllowed() {
        if (!SignedInPeople.allowed(person, sso.allowedGroup())) {
            throw new KeyRegistryException(KeyRegistryException.Reason.NOT_ALLOWED,
                    "you are not in the group " + sso.allowedGroup());
        }
        return this;
    }
}
