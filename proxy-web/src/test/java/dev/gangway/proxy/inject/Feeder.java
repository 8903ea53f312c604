package dev.gangway.proxy.inject;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Drives a {@link BodyTransformer} the way the proxy will: poll until null, then offer the next piece or end the
 * input. Every output piece is checked against the size bound, and every input buffer is scribbled over as soon
 * as the transformer says it let go of it, so a transformer that keeps reading a released buffer produces wrong
 * output.
 */
final class Feeder {

    private Feeder() {
    }

    static IntSupplier whole() {
        return () -> Integer.MAX_VALUE;
    }

    static IntSupplier bytes() {
        return () -> 1;
    }

    static IntSupplier random(long seed, int max) {
        Random random = new Random(seed);
        return () -> 1 + random.nextInt(max);
    }

    /** Feeds {@code input} in pieces sized by {@code sizes} and returns everything the transformer put out. */
    static byte[] run(BodyTransformer transformer, byte[] input, IntSupplier sizes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        run(transformer, input, sizes, piece -> {
            byte[] copy = new byte[piece.remaining()];
            piece.get(copy);
            out.writeBytes(copy);
        });
        return out.toByteArray();
    }

    interface Sink {
        void accept(ByteBuffer piece) throws IOException;
    }

    static void run(BodyTransformer transformer, byte[] input, IntSupplier sizes, Sink sink) throws IOException {
        try (transformer) {
            int position = 0;
            byte[] lent = null;
            while (true) {
                ByteBuffer piece;
                while ((piece = transformer.poll()) != null) {
                    assertTrue(piece.remaining() <= BodyTransformer.MAX_OUTPUT, "output piece too large");
                    sink.accept(piece);
                }
                if (transformer.isFinished()) {
                    assertFalse(transformer.needsInput());
                    return;
                }
                assertTrue(transformer.needsInput(), "poll() returned null, so it must need input");
                if (lent != null) {
                    Arrays.fill(lent, (byte) '#');
                }
                if (position == input.length) {
                    transformer.endOfInput();
                    continue;
                }
                int n = (int) Math.min(sizes.getAsInt(), (long) input.length - position);
                lent = Arrays.copyOfRange(input, position, position + n);
                position += n;
                transformer.offer(ByteBuffer.wrap(lent));
            }
        }
    }
}
