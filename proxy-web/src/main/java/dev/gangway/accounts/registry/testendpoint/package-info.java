/**
 * Test-only access to the key registry for the integration tests, which drive the real EAR from outside as users
 * do: until the self-service API exists (phase 2), nothing else reaches the registry over the network. Off unless the
 * server runs with {@code -Dgangway.test-endpoints=true} (only the IT server's arquillian.xml sets it): then
 * {@link dev.gangway.accounts.registry.testendpoint.TestEndpoints} maps the servlet and logs a WARN; otherwise nothing
 * is mapped and the path is an ordinary 404.
 */
package dev.gangway.accounts.registry.testendpoint;
