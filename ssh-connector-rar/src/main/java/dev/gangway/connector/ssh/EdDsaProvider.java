package dev.gangway.connector.ssh;

import net.i2p.crypto.eddsa.EdDSASecurityProvider;
import org.apache.sshd.common.util.security.SecurityProviderRegistrar;

import java.security.Provider;
import java.security.Security;

/**
 * Keeps the EdDSA security provider (MINA's Ed25519) out of the JVM's global provider list.
 *
 * <p>By default MINA registers that provider in {@link Security} and asks for it by name. Inside WildFly the
 * provider's classes come from this deployment's class loader, so the global entry outlives an undeploy: it pins the
 * old class loader, and it is what the next deployment's MINA finds by name, whose keys then fail with "key spec not
 * recognised" because the classes differ. Told {@code useNamed=false} before its first use, MINA keeps the provider
 * instance to itself and registers nothing. An entry that an older deployment left behind is removed.
 */
final class EdDsaProvider {

    private static final String NAME = EdDSASecurityProvider.PROVIDER_NAME;
    /** MINA reads its registrar settings from system properties named after the registrar. */
    private static final String USE_NAMED = SecurityProviderRegistrar.CONFIG_PROP_BASE + "." + NAME + "."
            + SecurityProviderRegistrar.NAMED_PROVIDER_PROPERTY;

    private EdDsaProvider() {
    }

    /** Call before MINA's first security lookup in this class loader (the SSH server's start). */
    static synchronized void keepPrivate() {
        if (System.getProperty(USE_NAMED) == null) {
            System.setProperty(USE_NAMED, "false");
        }
        Provider left = Security.getProvider(NAME);
        if (left != null && left.getClass().getClassLoader() != EdDsaProvider.class.getClassLoader()) {
            Security.removeProvider(NAME);
        }
    }
}
