package dev.gangway.connector.tunnel;

import dev.gangway.connector.api.TunnelAccess;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One forward request, parsed and validated: what a client asked to be reachable under which name.
 *
 * <p>Two requests are the same forward (for {@code cancel-*-forward} and duplicate checks) when kind, request string
 * and port are equal; everything else is derived from those, so record equality is exactly that.
 *
 * @param kind          which global request made it
 * @param requestString streamlocal: the socket path exactly as sent, {@code #…} included (the client matches
 *                      forwarded channels to its {@code -R} spec by it); tcpip: the bind address
 * @param port          tcpip: the port as sent, only echoed back; streamlocal: 0
 * @param name          the tunnel name the key is built from
 * @param access        who may visit
 * @param metaJson      the decoded {@code meta=} JSON object text, or {@code null}
 * @param injectJson    the decoded {@code inject=} JSON array text, or {@code null}
 */
public record TunnelRequest(ForwardKind kind, String requestString, int port, String name, TunnelAccess access,
                            String metaJson, String injectJson) {

    /** An IPv4 address or anything else made only of digits and dots: never a tunnel name. */
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");

    public TunnelRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(requestString, "requestString");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port (0-65535)");
        }
    }

    /**
     * Parses a {@code streamlocal-forward@openssh.com} socket path, {@code /<name>[#k=v;k=v…]} (PROTOCOL.md
     * "Opening tunnels"): one leading {@code /} is dropped; keys {@code access}, {@code meta}, {@code inject}.
     */
    public static TunnelRequest streamLocal(String socketPath) throws InvalidTunnelRequestException {
        Objects.requireNonNull(socketPath, "socketPath");
        int hash = socketPath.indexOf('#');
        String path = hash < 0 ? socketPath : socketPath.substring(0, hash);
        String name = path.startsWith("/") ? path.substring(1) : path;
        if (name.isEmpty()) {
            throw new InvalidTunnelRequestException("the socket path '" + socketPath + "' has no tunnel name; use "
                    + "ssh -R /<name>:<host>:<port>");
        }
        ForwardParameters parameters = hash < 0
                ? ForwardParameters.NONE
                : ForwardParameters.parse(socketPath.substring(hash + 1));
        return new TunnelRequest(ForwardKind.STREAMLOCAL, socketPath, 0, name, parameters.access(),
                parameters.metaJson(), parameters.injectJson());
    }

    /**
     * A {@code tcpip-forward} whose bind address is a name (extension, PROTOCOL.md "Opening tunnels"):
     * {@code ssh -R myapp:80:localhost:3000}. Addresses that mean "bind a port" to OpenSSH (empty, {@code *},
     * {@code localhost}, IP literals) are refused: Gangway never opens ports.
     */
    public static TunnelRequest namedTcpip(String bindAddress, int port) throws InvalidTunnelRequestException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        String hint = "; name the tunnel instead, e.g. ssh -R myapp:80:localhost:3000";
        if (bindAddress.isEmpty() || bindAddress.equals("*")) {
            throw new InvalidTunnelRequestException("this server does not open ports: a forward on all addresses is "
                    + "refused" + hint);
        }
        String lower = bindAddress.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || NUMERIC.matcher(bindAddress).matches() || bindAddress.indexOf(':') >= 0
                || bindAddress.startsWith("[")) {
            throw new InvalidTunnelRequestException("this server does not open ports: bind address '" + bindAddress
                    + "' is refused" + hint);
        }
        if (bindAddress.indexOf('#') >= 0) {
            throw new InvalidTunnelRequestException("tunnel name '" + bindAddress + "' has '#' parameters, which "
                    + "only socket-path forwards take; use ssh -R /<name>#access=private:<host>:<port>");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidTunnelRequestException("port " + port + " is not a TCP port (0-65535)");
        }
        return new TunnelRequest(ForwardKind.TCPIP, bindAddress, port, bindAddress, TunnelAccess.PUBLIC, null,
                null);
    }
}
