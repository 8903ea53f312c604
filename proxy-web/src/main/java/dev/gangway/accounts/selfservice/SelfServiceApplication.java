package dev.gangway.accounts.selfservice;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The self-service REST API on the base host, under {@code /_gangway/api}: the paths web.xml protects with
 * WildFly's OIDC mechanism, so every call here comes from a signed-in person.
 */
@ApplicationPath("/_gangway/api")
public class SelfServiceApplication extends Application {
}
