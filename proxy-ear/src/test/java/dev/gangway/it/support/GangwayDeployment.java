package dev.gangway.it.support;

import java.nio.file.Files;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

/**
 * The archive every IT deploys: the real EAR as Maven built it, not one assembled by the test, so the ITs test
 * what an operator deploys. Use it from a {@code @Deployment(testable = false)} method: the tests run on the client
 * side and reach the server over HTTP, SSH and management, as users do.
 */
public final class GangwayDeployment {

    /**
     * The deployment name. It must stay {@code proxy-ear.ear}: the resource-adapters subsystem activates the RAR as
     * {@code proxy-ear.ear#ssh-connector.rar}.
     */
    public static final String NAME = "proxy-ear.ear";

    private GangwayDeployment() {
    }

    public static EnterpriseArchive ear() {
        var file = ItServer.earFile();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " does not exist: run the ITs through Maven "
                    + "(mvn verify), which packages the EAR first");
        }
        return ShrinkWrap.create(ZipImporter.class, NAME).importFrom(file.toFile()).as(EnterpriseArchive.class);
    }
}
