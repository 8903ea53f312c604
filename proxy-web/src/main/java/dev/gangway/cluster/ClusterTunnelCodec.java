package dev.gangway.cluster;

import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import dev.gangway.connector.api.ClusterTunnel;
import dev.gangway.connector.api.KeyOwner;
import dev.gangway.connector.api.TunnelAccess;
import dev.gangway.connector.api.TunnelInfo;

/**
 * A directory entry as the JSON string the cache stores. Strings need no marshaller configuration (the container's
 * PROTOSTREAM marshaller knows them), and a node running a newer Gangway can still read an older node's entries:
 * unknown members are ignored, and the format carries a version for the day a change is not compatible.
 *
 * <p>The encoding is canonical (fixed member order, absent values left out), so equal entries give equal strings;
 * the conditional cache writes compare the stored string, not the decoded value, though.
 */
public final class ClusterTunnelCodec {

    static final int VERSION = 1;

    /**
     * Looked up once: every {@code Json.createReader} / {@code Json.createObjectBuilder} call looks the provider up
     * again through the ServiceLoader, which in WildFly means a resource search through the deployment's modules
     * (measured: the lookup was most of a remote visit's extra cost before entries were decoded once).
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ClusterTunnelCodec() {
    }

    public static String encode(ClusterTunnel tunnel) {
        TunnelInfo info = tunnel.info();
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("v", VERSION)
                .add("node", tunnel.node())
                .add("peer", tunnel.peerAddress())
                .add("key", info.key())
                .add("clientId", info.clientId());
        addIfPresent(json, "envId", info.envId());
        json.add("request", info.requestString())
                .add("access", info.access().name());
        addIfPresent(json, "meta", info.metaJson());
        addIfPresent(json, "inject", info.injectJson());
        json.add("url", info.url())
                .add("openedAt", info.openedAt().toString())
                .add("fingerprint", info.keyFingerprint())
                .add("publicKey", info.publicKey());
        if (info.owner() != null) {
            json.add("owner", encodeOwner(info.owner()));
        }
        return json.build().toString();
    }

    /**
     * A node's peer address record: the same {@code v}, {@code node} and {@code peer} members as a tunnel entry, so
     * that {@link #nodeOf} (and with it the departed-node cleanup) treats both alike.
     */
    public static String encodePeerAddress(String node, String peerAddress) {
        return JSON.createObjectBuilder()
                .add("v", VERSION)
                .add("node", node)
                .add("peer", peerAddress)
                .build().toString();
    }

    /** The {@code peer} member of a peer address record; empty if {@code json} is not one this codec can read. */
    public static Optional<String> peerAddressOf(String json) {
        return stringMember(json, "peer");
    }

    /**
     * @throws IllegalArgumentException if {@code json} is not an entry this codec wrote (malformed, a member
     *                                  missing or of the wrong type, a newer incompatible version)
     */
    public static ClusterTunnel decode(String json) {
        JsonObject object;
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            object = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
        try {
            int version = object.getInt("v");
            if (version != VERSION) {
                throw new IllegalArgumentException("entry format version " + version + ", this node reads "
                        + VERSION);
            }
            TunnelInfo info = new TunnelInfo(
                    object.getString("key"),
                    object.getString("clientId"),
                    optional(object, "envId"),
                    object.getString("request"),
                    TunnelAccess.valueOf(object.getString("access")),
                    optional(object, "meta"),
                    optional(object, "inject"),
                    object.getString("url"),
                    Instant.parse(object.getString("openedAt")),
                    object.getString("fingerprint"),
                    object.containsKey("owner") ? decodeOwner(object.getJsonObject("owner")) : null,
                    object.getString("publicKey"));
            return new ClusterTunnel(info, object.getString("node"), object.getString("peer"));
        } catch (NullPointerException | ClassCastException | DateTimeParseException e) {
            // JsonObject's getters throw NPE for a missing member and ClassCastException for a wrong type.
            throw new IllegalArgumentException("not a tunnel entry (" + e + ")", e);
        }
    }

    /**
     * The holding node of a stored entry, read leniently (only the {@code node} member), so that entries of another
     * format version are still cleaned up when their node leaves. Empty if the string names no node.
     */
    public static Optional<String> nodeOf(String json) {
        return stringMember(json, "node");
    }

    /** One string member of a stored JSON object, read leniently: empty if it is not there or not a string. */
    private static Optional<String> stringMember(String json, String name) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            JsonValue value = reader.readObject().get(name);
            return value instanceof JsonString string ? Optional.of(string.getString()) : Optional.empty();
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static JsonObject encodeOwner(KeyOwner owner) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("subject", owner.subject())
                .add("displayName", owner.displayName());
        addIfPresent(json, "email", owner.email());
        JsonArrayBuilder groups = JSON.createArrayBuilder();
        owner.groups().forEach(groups::add);
        return json.add("groups", groups).build();
    }

    private static KeyOwner decodeOwner(JsonObject json) {
        List<String> groups = json.getJsonArray("groups").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
        return new KeyOwner(json.getString("subject"), json.getString("displayName"), optional(json, "email"),
                groups);
    }

    private static void addIfPresent(JsonObjectBuilder json, String name, String value) {
        if (value != null) {
            json.add(name, value);
        }
    }

    private static String optional(JsonObject json, String name) {
        JsonValue value = json.get(name);
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : json.getString(name);
    }
}
