/**
 * Handing a signed-in visitor from the base host's sign-in page to a private tunnel's host: a one-time code, short
 * lived, bound to the tunnel host and the person, redeemed at that host's {@code /_gangway/callback}.
 */
package dev.gangway.accounts.visit;
