/**
 * The byte path of one visitor exchange between Undertow's non-blocking channels and a tunnel connection, with
 * back-pressure both ways and one owning I/O thread. Upgrades (WebSocket, {@code Upgrade: tcp}) will splice here.
 */
package dev.gangway.proxy.stream;
