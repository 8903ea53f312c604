package dev.gangway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gangway.it.support.Backend;
import dev.gangway.it.support.GangwayDeployment;
import dev.gangway.it.support.HtmlPageService;
import dev.gangway.it.support.ItServer;
import dev.gangway.it.support.OpenSshTunnel;
import dev.gangway.it.support.Visitor;

/**
 * An operator redeploys the EAR on a running server (a new version, or undeploy and deploy in the console): the
 * adapter must start again in the same JVM, with the host key it persisted on the first start, so that clients'
 * known_hosts entries stay valid. Whatever a deployment leaves behind in the JVM (a registered security provider,
 * a static, a thread, a native library loaded by the first class loader) shows up here as a failed second start.
 */
@ExtendWith(ArquillianExtension.class)
class RedeployIT {

    private static final String DEPLOYMENT = "redeployed";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static EnterpriseArchive ear() {
        return GangwayDeployment.ear();
    }

    @Test
    void redeployedEarStartsAgainWithTheSameHostKey() throws Exception {
        Brotli4jLoader.ensureAvailability();
        deployer.deploy(DEPLOYMENT);
        try {
            String hostKey = scanHostKey();

            deployer.undeploy(DEPLOYMENT);
            deployer.deploy(DEPLOYMENT);

            assertEquals(hostKey, scanHostKey(), "the host key survives a redeploy");
            assertEquals(200, Visitor.get("/healthz").statusCode());
            // The second deployment loads brotli's native library in its own class loader, next to the first's.
            try (Backend backend = Backend.start(HtmlPageService::handle);
                 OpenSshTunnel tunnel = OpenSshTunnel.open("redeployed", InjectionIT.injectParameter(), backend.port())) {
                HttpResponse<byte[]> br = InjectionIT.get(tunnel, "/page?coding=br", "Accept-Encoding", "br");
                assertEquals(InjectionIT.expectedPage(), new String(
                        Decoder.decompress(br.body()).getDecompressedData(), StandardCharsets.UTF_8));
            }
        } finally {
            deployer.undeploy(DEPLOYMENT);
        }
    }

    /** The server's ed25519 host key as {@code ssh-keyscan} sees it: {@code [localhost]:<port> ssh-ed25519 <key>}. */
    private static String scanHostKey() throws Exception {
        Process scan = new ProcessBuilder("ssh-keyscan", "-T", "10", "-t", "ed25519", "-p",
                Integer.toString(ItServer.sshPort()), ItServer.HOST)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        scan.getOutputStream().close();
        String out = new String(scan.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(scan.waitFor(20, TimeUnit.SECONDS), "ssh-keyscan did not finish");
        assertTrue(out.contains("ssh-ed25519 "), "ssh-keyscan found no ed25519 host key: '" + out + "'");
        return out;
    }
}
