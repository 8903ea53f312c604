package dev.gangway.connector.stats;

import dev.gangway.connector.api.TunnelInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The per-tunnel view as one JSON array, one object per live tunnel, sorted by key:
 * {@code [{"key":…,"clientId":…,"envId":…,"keyFingerprint":"SHA256:…","owner":"jdoe","ownerSubject":"f81d…",
 * "access":"public","url":…,"openedAt":"2025-…Z","activeStreams":0,
 * "openChannels":1,"streams":12,"channelsOpened":1,"bytesToService":…,"bytesFromService":…}]}. {@code owner} (the
 * display name) and {@code ownerSubject} are {@code null} unless authMode is {@code sso}.
 *
 * <p>A string because WildFly's statistics resources take numbers and strings only, with a name set fixed when the
 * deployment starts, so tunnels (which come and go) cannot each be a management resource without a subsystem
 * extension of our own; JSON because an operator can read it in the console and paste it into {@code jq}, and a test
 * can parse it. Written by hand: the JSON-P provider is found through the calling thread's context class loader,
 * which on a management thread is not the adapter's, and a dozen flat fields do not need it.
 */
public final class TunnelTable {

    /** One live tunnel: what it is and its counters. */
    public record Row(TunnelInfo info, TunnelStatistics statistics) {
    }

    private TunnelTable() {
    }

    public static String json(Collection<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(row -> row.info().key()));
        StringBuilder out = new StringBuilder(64 + 480 * sorted.size()).append('[');
        for (Row row : sorted) {
            if (out.length() > 1) {
                out.append(',');
            }
            TunnelInfo info = row.info();
            TunnelStatistics s = row.statistics();
            out.append('{');
            string(out, "key", info.key()).append(',');
            string(out, "clientId", info.clientId()).append(',');
            string(out, "envId", info.envId()).append(',');
            string(out, "keyFingerprint", info.keyFingerprint()).append(',');
            string(out, "owner", info.owner() == null ? null : info.owner().displayName()).append(',');
            string(out, "ownerSubject", info.owner() == null ? null : info.owner().subject()).append(',');
            string(out, "access", info.access().name().toLowerCase(Locale.ROOT)).append(',');
            string(out, "url", info.url()).append(',');
            string(out, "openedAt", info.openedAt().toString()).append(',');
            number(out, "activeStreams", s.activeStreams()).append(',');
            number(out, "openChannels", s.openChannels()).append(',');
            number(out, "streams", s.streams()).append(',');
            number(out, "channelsOpened", s.channelsOpened()).append(',');
            number(out, "bytesToService", s.bytesToService()).append(',');
            number(out, "bytesFromService", s.bytesFromService());
            out.append('}');
        }
        return out.append(']').toString();
    }

    private static StringBuilder number(StringBuilder out, String name, long value) {
        return quoted(out, name).append(':').append(value);
    }

    private static StringBuilder string(StringBuilder out, String name, String value) {
        quoted(out, name).append(':');
        return value == null ? out.append("null") : quoted(out, value);
    }

    /** RFC 8259 string: quote, backslash and control characters escaped; the rest as is. */
    private static StringBuilder quoted(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
