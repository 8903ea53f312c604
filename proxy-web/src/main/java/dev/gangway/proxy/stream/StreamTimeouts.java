package dev.gangway.proxy.stream;

import java.time.Duration;

/**
 * The operator's timeouts for visitor streams ({@code ZERO} = off).
 *
 * @param idle           no byte in either direction for this long ends an exchange (504 before the response,
 *                       a closed connection after) or an upgraded stream
 * @param maxRequestTime an exchange still unfinished this long after it started ends the same way; upgraded
 *                       streams are not bounded by it (a WebSocket may live for days while it is used)
 */
public record StreamTimeouts(Duration idle, Duration maxRequestTime) {
}
