/** Where a visitor's request goes, from its Host header and path: a tunnel, the gateway itself, or nowhere. */
package dev.gangway.proxy.routing;
