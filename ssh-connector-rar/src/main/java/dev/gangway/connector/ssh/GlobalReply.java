package dev.gangway.connector.ssh;

import java.util.OptionalInt;

/**
 * The answer to one SSH global request: success (with the port, for {@code tcpip-forward}) or failure.
 *
 * @param success whether to send {@code SSH_MSG_REQUEST_SUCCESS}
 * @param port    the uint32 that follows a successful {@code tcpip-forward} reply, if any
 */
record GlobalReply(boolean success, OptionalInt port) {

    static final GlobalReply SUCCESS = new GlobalReply(true, OptionalInt.empty());
    static final GlobalReply FAILURE = new GlobalReply(false, OptionalInt.empty());

    static GlobalReply successWithPort(int port) {
        return new GlobalReply(true, OptionalInt.of(port));
    }
}
