/**
 * The identity of a private tunnel's visitor as the service behind it sees it: the {@code X-Forwarded-User},
 * {@code -Email}, {@code -Groups} headers and the signed {@code X-Gangway-Identity} JWT, with the key that signs it
 * and the JWKS that publishes it.
 */
package dev.gangway.proxy.identity;
