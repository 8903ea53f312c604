package dev.gangway.connector.tunnel;

/** What the node holding a tunnel key says of the connection holding it, when asked (the peer port's PROBE). */
public enum HolderState {
    /** Its connection answered the liveness probe: the key stays with it. */
    ALIVE,
    /** Its connection did not answer and was closed: the key is free to take over. */
    DEAD,
    /** The node holds no connection for the key (the entry is stale): the key is free to take over. */
    NONE
}
