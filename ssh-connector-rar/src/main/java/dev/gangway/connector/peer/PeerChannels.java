package dev.gangway.connector.peer;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.Channel;

/** Closing peer sockets: quietly, or with a reset so the other end sees a failure rather than an end of stream. */
final class PeerChannels {

    private PeerChannels() {
    }

    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing: nothing left to do with it.
        }
    }

    /**
     * A stream that broke (its SSH channel died mid-way) must not look complete to the other node: a clean FIN would
     * make a close-delimited response body look whole. SO_LINGER 0 makes the close a reset.
     */
    static void abort(AsynchronousSocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // Already closed, or the option is refused: the plain close below still ends the connection.
        }
        closeQuietly(channel);
    }

    /** For log lines: the peer's address, or why there is none. */
    static String remote(AsynchronousSocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "(closed)";
        }
    }
}
