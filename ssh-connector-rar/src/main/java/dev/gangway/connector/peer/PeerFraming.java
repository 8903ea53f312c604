package dev.gangway.connector.peer;

import java.nio.ByteBuffer;

/**
 * The holder-to-visitor direction of an OPEN stream: chunks of a 4-byte big-endian length and that many bytes; a
 * zero length marks the end of the service's output (see {@link PeerSplice} for why).
 */
final class PeerFraming {

    static final int HEADER_BYTES = 4;

    private PeerFraming() {
    }

    /** Writes a chunk header at index 0 of {@code buffer}, whose bytes follow from index 4; position is left after them. */
    static void header(ByteBuffer buffer, int length) {
        buffer.putInt(0, length);
        if (length == 0) {
            buffer.position(HEADER_BYTES);
        }
    }
}
