package dev.gangway.connector.tunnel;

/** Which SSH forward request opened a tunnel; it decides the channel type visitors' streams are opened with. */
public enum ForwardKind {
    /** {@code streamlocal-forward@openssh.com}, answered by {@code forwarded-streamlocal@openssh.com} channels. */
    STREAMLOCAL,
    /** {@code tcpip-forward} with a name as bind address (extension), answered by {@code forwarded-tcpip} channels. */
    TCPIP
}
