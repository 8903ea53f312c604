package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.Visitor;

/**
 * In authMode open (the IT server's default, as the README's run command's) the sign-in pages say that single
 * sign-on is not configured, rather than sending the visitor to an identity provider nobody set up: the server's
 * OIDC client points at a provider that is not running here, and nothing reaches it.
 */
@ExtendWith(ArquillianExtension.class)
class SsoNotConfiguredIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/_gangway/signin", "/_gangway/account", "/_gangway/api/keys"})
    void signInPagesSaySingleSignOnIsNotConfigured(String path) throws Exception {
        HttpResponse<String> response = Visitor.send(HttpRequest.newBuilder(ItServer.url(path)).GET());

        assertEquals(404, response.statusCode(), response.body());
        assertTrue(response.body().contains("Single sign-on is not configured"), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty(), "no redirect to a provider");
    }
}
