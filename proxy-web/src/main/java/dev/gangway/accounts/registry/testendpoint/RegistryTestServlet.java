package dev.gangway.accounts.registry.testendpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.gangway.accounts.registry.AccountClaims;
import dev.gangway.accounts.registry.AccountInfo;
import dev.gangway.accounts.registry.Actor;
import dev.gangway.accounts.registry.KeyInfo;
import dev.gangway.accounts.registry.KeyRegistry;
import dev.gangway.accounts.registry.KeyRegistryException;

/**
 * Each {@link KeyRegistry} method as {@code POST <path>/<method>} with a JSON object of arguments, answering JSON.
 * Refusals come back as {@code {"reason": ..., "message": ...}} with the status the self-service API will use
 * (400 invalid, 404 absent, 403 not allowed, 409 duplicate), so the tests see the registry's own outcome.
 */
public class RegistryTestServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** Request bodies are small JSON objects; a key line is at most 8 KiB. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    @Inject
    private transient KeyRegistry registry;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        JsonValue result;
        try {
            result = call(method, readBody(request));
        } catch (KeyRegistryException e) {
            respond(response, e.httpStatus(), Json.createObjectBuilder()
                    .add("reason", e.reason().name()).add("message", e.getMessage()).build());
            return;
        } catch (JsonException | ClassCastException | IllegalArgumentException | DateTimeException e) {
            respond(response, 400, Json.createObjectBuilder().add("message", "bad request: " + e).build());
            return;
        }
        if (result == null) {
            response.sendError(404, "no registry method " + method);
        } else {
            respond(response, 200, result);
        }
    }

    private JsonValue call(String method, JsonObject args) {
        return switch (method) {
            case "signedIn" -> account(registry.signedIn(new AccountClaims(text(args, "subject"),
                    args.getString("displayName", null), args.getString("email", null), strings(args, "groups"),
                    args.getBoolean("admin", false))));
            case "confirmed" -> {
                // "at" backdates the confirmation: how the ITs make an owner outlive the key lifetime.
                if (args.containsKey("at")) {
                    registry.confirmed(text(args, "subject"), Instant.parse(text(args, "at")));
                } else {
                    registry.confirmed(text(args, "subject"));
                }
                yield JsonValue.EMPTY_JSON_OBJECT;
            }
            case "account" -> optional(registry.account(text(args, "subject")).map(RegistryTestServlet::account));
            case "addKey" -> key(registry.addKey(text(args, "subject"), text(args, "publicKey"),
                    text(args, "name")));
            case "renameKey" -> key(registry.renameKey(actor(args), id(args),
                    text(args, "name")));
            case "removeKey" -> key(registry.removeKey(actor(args), id(args)));
            case "keysOf" -> keys(registry.keysOf(text(args, "subject")));
            case "allKeys" -> keys(registry.allKeys(actor(args)));
            case "findByFingerprint" -> optional(registry.findByFingerprint(text(args, "fingerprint"))
                    .map(RegistryTestServlet::key));
            case "recordUse" -> registry.recordUse(text(args, "fingerprint"), Instant.parse(text(args, "at")))
                    ? JsonValue.TRUE : JsonValue.FALSE;
            default -> null;
        };
    }

    private static JsonObject readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("body larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (body.length == 0) {
                return JsonValue.EMPTY_JSON_OBJECT;
            }
            return Json.createReader(new ByteArrayInputStream(body)).readObject();
        }
    }

    /** A required string argument; JSON-P itself would throw a NullPointerException for a missing one. */
    private static String text(JsonObject args, String name) {
        if (!args.containsKey(name) || args.isNull(name)) {
            throw new IllegalArgumentException("argument " + name + " is missing");
        }
        return args.getString(name);
    }

    private static long id(JsonObject args) {
        if (!args.containsKey("id")) {
            throw new IllegalArgumentException("argument id is missing");
        }
        return args.getJsonNumber("id").longValueExact();
    }

    private static Actor actor(JsonObject args) {
        return new Actor(text(args, "actor"), args.getBoolean("admin", false));
    }

    private static Set<String> strings(JsonObject args, String name) {
        Set<String> values = new HashSet<>();
        if (args.containsKey(name)) {
            args.getJsonArray(name).getValuesAs(JsonString.class).forEach(s -> values.add(s.getString()));
        }
        return values;
    }

    private static JsonValue optional(Optional<JsonObject> value) {
        return value.<JsonValue>map(v -> v).orElse(JsonValue.NULL);
    }

    private static JsonValue keys(List<KeyInfo> keys) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        keys.forEach(k -> array.add(key(k)));
        return array.build();
    }

    private static JsonObject key(KeyInfo key) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("id", key.id())
                .add("fingerprint", key.fingerprint())
                .add("keyType", key.keyType())
                .add("publicKey", key.publicKey())
                .add("name", key.name())
                .add("owner", account(key.owner()))
                .add("createdAt", key.createdAt().toString());
        return (key.lastUsedAt() == null ? json.addNull("lastUsedAt")
                : json.add("lastUsedAt", key.lastUsedAt().toString())).build();
    }

    private static JsonObject account(AccountInfo account) {
        JsonArrayBuilder groups = Json.createArrayBuilder();
        account.groups().stream().sorted().forEach(groups::add);
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("subject", account.subject())
                .add("groups", groups)
                .add("admin", account.admin())
                .add("createdAt", account.createdAt().toString());
        nullable(json, "displayName", account.displayName());
        nullable(json, "email", account.email());
        nullable(json, "lastConfirmedAt", account.lastConfirmedAt() == null ? null
                : account.lastConfirmedAt().toString());
        nullable(json, "providerRefusal", account.providerRefusal());
        return json.build();
    }

    private static void nullable(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }

    private static void respond(HttpServletResponse response, int status, JsonValue body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        Json.createWriter(response.getOutputStream()).write(body);
    }
}
