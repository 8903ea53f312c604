package dev.gangway.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Large bodies that never exist in memory: generated on the fly as 64 KB blocks of one random block, each stamped
 * with its own index (so a lost, repeated or reordered block changes the hash), and hashed with SHA-256 as they
 * pass. Cheap to make, so the test's own CPU goes to moving bytes.
 */
public final class BulkBody {

    private static final int BLOCK = 64 * 1024;

    private BulkBody() {
    }

    /** A stream of {@code size} pattern bytes. */
    public static InputStream stream(long size) {
        return new PatternStream(size);
    }

    /** Writes {@code size} pattern bytes to {@code out} and returns their SHA-256 (hex). */
    public static String writeTo(OutputStream out, long size) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[BLOCK];
        try (InputStream in = stream(size)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Reads {@code in} to its end; returns the byte count and SHA-256 of what came. */
    public static Digest readAll(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[BLOCK];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
            total += n;
        }
        return new Digest(total, HexFormat.of().formatHex(sha.digest()));
    }

    /** What was seen of a body: its length and SHA-256 in hex. */
    public record Digest(long length, String sha256) {

        /** {@code <length> <sha256>}, as the upload service answers. */
        @Override
        public String toString() {
            return length + " " + sha256;
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static final class PatternStream extends InputStream {
        private static final byte[] BASE = new byte[BLOCK];

        static {
            new Random(20261125).nextBytes(BASE);
        }

        private final long size;
        private final byte[] block = new byte[BLOCK];
        private long position;
        private long blockIndex = -1;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            long index = position / BLOCK;
            if (index != blockIndex) {
                System.arraycopy(BASE, 0, block, 0, BLOCK);
                for (int i = 0; i < 8; i++) {
                    block[i] = (byte) (index >>> (56 - 8 * i));
                }
                blockIndex = index;
            }
            int inBlock = (int) (position % BLOCK);
            int n = (int) Math.min(Math.min(len, BLOCK - inBlock), size - position);
            System.arraycopy(block, inBlock, b, off, n);
            position += n;
            return n;
        }
    }
}
