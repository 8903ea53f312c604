/**
 * What the web tier sees of the SSH connector: a JNDI-bound {@link dev.gangway.connector.api.TunnelConnectionFactory}
 * that resolves tunnel keys and hands out {@link dev.gangway.connector.api.TunnelConnection}s, each one SSH channel
 * to the service behind a tunnel, read and written asynchronously.
 *
 * <p>This jar sits in the EAR's {@code lib/}, so the resource adapter and the WAR load the same classes. It names
 * only JDK types: neither Apache MINA SSHD nor Undertow leak through it.
 */
package dev.gangway.connector.api;
