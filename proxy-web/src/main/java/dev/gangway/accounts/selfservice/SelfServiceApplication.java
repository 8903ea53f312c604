package dev.gangway.accounts.selfservice;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * The self-service REST API on the base host, under {@code /_gangway/api}: the paths web.xml protects with
 * WildFly's OIDC mechanism, so every call here comes from a signed-in person.
 *
 * <p>Its classes are listed rather than scanned: the WAR holds a second Jakarta REST application (the public
 * {@code /profiles} API, which must stay outside this protected path), and a scanning application would serve that
 * one's resources here too, and its CSRF guard would apply to them.
 */
@ApplicationPath("/_gangway/api")
public class SelfServiceApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(KeysResource.class, TunnelsResource.class, AdminResource.class, CsrfGuard.class,
                RegistryRefusals.class);
    }
}
