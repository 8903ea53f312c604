package dev.gangway.accounts.registry;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of an SSH wire-format public key blob (RFC 4251 section 5: uint32-length-prefixed strings and
 * mpints). Every length is checked against what is left, so a hostile blob can neither over-read nor make it
 * allocate more than the blob itself.
 */
final class SshWireReader {

    private final byte[] data;
    private int position;

    SshWireReader(byte[] data) {
        this.data = data;
    }

    /** The next string field as bytes. */
    byte[] bytes() throws InvalidPublicKeyException {
        if (data.length - position < 4) {
            throw new InvalidPublicKeyException("the key data is truncated");
        }
        long length = ((data[position] & 0xFFL) << 24) | ((data[position + 1] & 0xFF) << 16)
                | ((data[position + 2] & 0xFF) << 8) | (data[position + 3] & 0xFF);
        position += 4;
        if (length > data.length - position) {
            throw new InvalidPublicKeyException("the key data is truncated");
        }
        byte[] field = new byte[(int) length];
        System.arraycopy(data, position, field, 0, field.length);
        position += field.length;
        return field;
    }

    /** The next string field as US-ASCII text (algorithm and curve names). */
    String text() throws InvalidPublicKeyException {
        return new String(bytes(), StandardCharsets.US_ASCII);
    }

    /** The next mpint field; must be positive (RSA exponent and modulus). */
    BigInteger positiveMpint() throws InvalidPublicKeyException {
        byte[] field = bytes();
        if (field.length == 0 || (field[0] & 0x80) != 0) {
            throw new InvalidPublicKeyException("an RSA key number is zero or negative");
        }
        return new BigInteger(field);
    }

    /** Fails unless every byte has been read: trailing data means a key of another shape than its type claims. */
    void expectEnd() throws InvalidPublicKeyException {
        if (position != data.length) {
            throw new InvalidPublicKeyException("the key data has " + (data.length - position)
                    + " unexpected bytes after the key");
        }
    }
}
