/**
 * HTTP/1.1 on the tunnel side, as pure logic: the request head sent to a service (hop-by-hop headers removed,
 * {@code X-Forwarded-*} set), the incremental response-head parser and chunked decoder, body framing, and the one
 * mapping from failures to visitor statuses ({@link dev.gangway.proxy.http.VisitorError}).
 */
package dev.gangway.proxy.http;
