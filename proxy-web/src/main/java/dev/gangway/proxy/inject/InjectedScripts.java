package dev.gangway.proxy.inject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The script tags of the specs that matched one request, as the bytes to insert, plus the ETag suffix that names
 * them. The tags are pure ASCII (non-ASCII characters of a URL become numeric character references), so the same
 * bytes are right in every ASCII-compatible page encoding.
 */
final class InjectedScripts {

    private static final byte[] HEAD_OPEN = "<head>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_CLOSE = "</head>".getBytes(StandardCharsets.US_ASCII);

    private final ByteBuffer tags;
    private final ByteBuffer inNewHead;
    private final String etagSuffix;

    private InjectedScripts(byte[] tags) {
        this.tags = ByteBuffer.wrap(tags).asReadOnlyBuffer();
        byte[] wrapped = new byte[HEAD_OPEN.length + tags.length + HEAD_CLOSE.length];
        System.arraycopy(HEAD_OPEN, 0, wrapped, 0, HEAD_OPEN.length);
        System.arraycopy(tags, 0, wrapped, HEAD_OPEN.length, tags.length);
        System.arraycopy(HEAD_CLOSE, 0, wrapped, HEAD_OPEN.length + tags.length, HEAD_CLOSE.length);
        this.inNewHead = ByteBuffer.wrap(wrapped).asReadOnlyBuffer();
        this.etagSuffix = "+inject-" + digest(tags);
    }

    static InjectedScripts of(List<InjectionSpec> specs) {
        StringBuilder html = new StringBuilder();
        for (InjectionSpec spec : specs) {
            html.append("<script src=\"");
            appendAttributeValue(html, spec.src());
            html.append('"');
            if (spec.async()) {
                html.append(" async");
            }
            if (spec.defer()) {
                html.append(" defer");
            }
            html.append("></script>");
        }
        return new InjectedScripts(html.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The tags, for right after {@code <head …>}. A fresh view each time. */
    ByteBuffer tags() {
        return tags.duplicate();
    }

    /** {@code <head>} + tags + {@code </head>}, for before {@code <body}, before {@code </html} or at the end. */
    ByteBuffer inNewHead() {
        return inNewHead.duplicate();
    }

    /**
     * What goes at the end of an ETag's opaque tag: it changes when the scripts change, so a visitor's cached copy
     * with other scripts is not revalidated as current, and it tells our ETags from the service's.
     */
    String etagSuffix() {
        return etagSuffix;
    }

    private static void appendAttributeValue(StringBuilder html, String value) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&' -> html.append("&amp;");
                case '"' -> html.append("&quot;");
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        html.append((char) c);
                    } else {
                        html.append("&#x").append(Integer.toHexString(c)).append(';');
                    }
                }
            }
        }
    }

    private static String digest(byte[] tags) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(tags);
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
