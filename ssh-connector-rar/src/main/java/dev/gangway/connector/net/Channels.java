package dev.gangway.connector.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.Channel;

/** Closing sockets: quietly, or with a reset so the other end sees a failure rather than an end of stream. */
public final class Channels {

    private Channels() {
    }

    public static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is the end of the road: nothing left to do with a failure.
        }
    }

    /**
     * A stream that broke (its SSH channel died mid-way) must not look complete to the other end: a clean FIN would
     * make a close-delimited response body look whole. SO_LINGER 0 makes the close a reset.
     */
    public static void abort(AsynchronousSocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // Already closed, or the option is refused: the plain close below still ends the connection.
        }
        closeQuietly(channel);
    }

    /** For log lines: the other end's address, or why there is none. */
    public static String remote(AsynchronousSocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "(closed)";
        }
    }
}
