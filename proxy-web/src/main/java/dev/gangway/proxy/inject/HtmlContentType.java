package dev.gangway.proxy.inject;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Set;

/**
 * Whether a {@code Content-Type} is HTML in a byte encoding the tag scanner reads correctly. Preevy decodes the
 * page with the declared charset and encodes it again; working on bytes instead is exact for the encodings below
 * (see {@link HtmlTagScanner}) and never re-encodes a page. Other declared charsets (UTF-16, UTF-32, UTF-7,
 * ISO-2022-*, EBCDIC, and names the JDK does not know) leave the page untouched.
 */
final class HtmlContentType {

    /** JDK canonical names of multi-byte or non-ISO encodings in which ASCII bytes always mean ASCII. */
    private static final Set<String> ASCII_COMPATIBLE = Set.of(
            "UTF-8", "US-ASCII", "KOI8-R", "KOI8-U", "Shift_JIS", "windows-31j", "EUC-JP", "EUC-KR", "GBK",
            "GB2312", "GB18030", "Big5", "Big5-HKSCS", "TIS-620", "x-windows-874", "x-windows-949", "x-MacRoman");

    private HtmlContentType() {
    }

    /** Whether scripts can be inserted into a body of this {@code Content-Type} (a {@code null} one is not HTML). */
    static boolean isInjectable(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("text/html")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                return isAsciiCompatible(unquote(parameter.substring(eq + 1).trim()));
            }
        }
        // No charset: the browser sniffs (BOM, <meta>) or assumes windows-1252; the scanner checks for a BOM.
        return true;
    }

    static boolean isAsciiCompatible(String charsetName) {
        Charset charset;
        try {
            charset = Charset.forName(charsetName);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return false;
        }
        String name = charset.name();
        return ASCII_COMPATIBLE.contains(name) || name.startsWith("ISO-8859-") || name.startsWith("windows-125");
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
