package dev.gangway.connector.peer;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One operation a node asks of another over the peer port, as it travels after the client's proof.
 *
 * @param verb     what to do
 * @param subject  the tunnel key (OPEN, PROBE, YIELD), the key fingerprint (DISCONNECT-KEY) or the owner's subject
 *                 (DISCONNECT-OWNER)
 * @param reason   DISCONNECT-*: the message for the SSH clients; YIELD: the winning node; else empty
 * @param openedAt YIELD: when the winning connection opened the tunnel; else {@code null}
 */
record PeerOperation(Verb verb, String subject, String reason, Instant openedAt) {

    enum Verb {
        /** Splice this connection to a new channel of the tunnel. */
        OPEN("OPEN"),
        /** Is the connection holding the tunnel alive? (closed if not) */
        PROBE("PROBE"),
        DISCONNECT_KEY("DISCONNECT-KEY"),
        DISCONNECT_OWNER("DISCONNECT-OWNER"),
        /**
         * After partitions merged, another node keeps the key by the rule: the connection here gives it up. Not in the
         * lead's list of four: the side that sees the conflict may be the winner, and only the loser's node can
         * close the loser's connection.
         */
        YIELD("YIELD");

        final String wire;

        Verb(String wire) {
            this.wire = wire;
        }
    }

    static PeerOperation open(String key) {
        return new PeerOperation(Verb.OPEN, key, "", null);
    }

    static PeerOperation probe(String key) {
        return new PeerOperation(Verb.PROBE, key, "", null);
    }

    static PeerOperation disconnectKey(String fingerprint, String reason) {
        return new PeerOperation(Verb.DISCONNECT_KEY, fingerprint, reason, null);
    }

    static PeerOperation disconnectOwner(String subject, String reason) {
        return new PeerOperation(Verb.DISCONNECT_OWNER, subject, reason, null);
    }

    static PeerOperation yieldTo(String key, String winnerNode, Instant winnerOpenedAt) {
        return new PeerOperation(Verb.YIELD, key, winnerNode, winnerOpenedAt);
    }

    /** The operation as one line: line breaks in a free-text reason become spaces. */
    String line() {
        StringBuilder line = new StringBuilder(verb.wire).append(' ').append(subject);
        switch (verb) {
            case DISCONNECT_KEY, DISCONNECT_OWNER -> line.append(' ').append(reason.replaceAll("[\\r\\n]+", " "));
            case YIELD -> line.append(' ').append(reason).append(' ').append(openedAt);
            default -> {
            }
        }
        return line.toString();
    }

    static PeerOperation parse(String line) throws PeerProtocolException {
        String[] fields = line.split(" ", 3);
        Verb verb = null;
        for (Verb v : Verb.values()) {
            if (v.wire.equals(fields[0])) {
                verb = v;
            }
        }
        if (verb == null || fields.length < 2 || fields[1].isEmpty()) {
            throw new PeerProtocolException("unknown operation");
        }
        String rest = fields.length > 2 ? fields[2] : "";
        switch (verb) {
            case OPEN, PROBE -> {
                if (!rest.isEmpty()) {
                    throw new PeerProtocolException("unexpected arguments");
                }
                return new PeerOperation(verb, fields[1], "", null);
            }
            case YIELD -> {
                String[] winner = rest.split(" ", -1);
                if (winner.length != 2) {
                    throw new PeerProtocolException("YIELD needs a node and a time");
                }
                try {
                    return new PeerOperation(verb, fields[1], PeerHandshake.node(winner[0]), Instant.parse(winner[1]));
                } catch (DateTimeParseException e) {
                    throw new PeerProtocolException("YIELD needs a node and a time");
                }
            }
            default -> {
                return new PeerOperation(verb, fields[1], rest, null);
            }
        }
    }
}
