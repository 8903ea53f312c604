package dev.gangway.connector.api;

/** Who may visit a tunnel: {@code access=public|private} in its request string. */
public enum TunnelAccess {
    PUBLIC,
    PRIVATE
}
