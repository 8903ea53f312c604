package dev.gangway.connector.tls;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;

/** Small helpers for the front door's channels. */
final class Channels {

    private Channels() {
    }

    static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is the end of the road: nothing left to do with a failure.
        }
    }

    /** For log lines: the peer's address, or why there is none. */
    static String remote(AsynchronousSocketChannel channel) {
        try {
            SocketAddress address = channel.getRemoteAddress();
            return String.valueOf(address);
        } catch (IOException e) {
            return "(closed)";
        }
    }
}
