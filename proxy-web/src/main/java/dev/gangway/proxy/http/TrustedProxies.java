package dev.gangway.proxy.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whether a peer address is one of the configured trusted proxies, given as addresses or CIDR blocks, IPv4 or IPv6
 * ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}, {@code ::1}). Host names are refused: trust must not
 * depend on DNS.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** No proxy is trusted. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * @throws IllegalArgumentException naming the first entry that is not an address or a CIDR block
     */
    public static TrustedProxies parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>(entries.size());
        for (String raw : entries) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                blocks.add(Block.parse(entry));
            }
        }
        return new TrustedProxies(blocks);
    }

    public boolean isTrusted(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        byte[] address = peer.getAddress();
        for (Block block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private record Block(byte[] network, int prefixBits) {

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String addressPart = slash < 0 ? entry : entry.substring(0, slash);
            byte[] network = literal(addressPart, entry);
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw invalid(entry, "the prefix length must be 0 to " + network.length * 8);
                }
            }
            return new Block(network, bits);
        }

        private static byte[] literal(String address, String entry) {
            // Only literals reach InetAddress, so that it never resolves a name.
            if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
                throw invalid(entry, "expected an IPv4 or IPv6 address, optionally with /prefix");
            }
            try {
                return InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw invalid(entry, "not a valid IP address");
            }
        }

        private static IllegalArgumentException invalid(String entry, String why) {
            return new IllegalArgumentException("Invalid trusted proxy '" + entry + "': " + why);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int restBits = prefixBits % 8;
            if (restBits == 0) {
                return true;
            }
            int mask = (0xff << (8 - restBits)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
