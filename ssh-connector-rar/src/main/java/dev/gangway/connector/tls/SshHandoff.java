package dev.gangway.connector.tls;

import java.nio.channels.AsynchronousSocketChannel;

/** Where the front door hands a connection whose TLS it terminated: the SSH server, reading plaintext from it. */
@FunctionalInterface
public interface SshHandoff {

    /**
     * Makes {@code plaintext} an SSH session of the server, as if its own listener had accepted it.
     *
     * @throws Exception when the server cannot take it (it is stopping); the caller closes the channel
     */
    void adopt(AsynchronousSocketChannel plaintext) throws Exception;
}
