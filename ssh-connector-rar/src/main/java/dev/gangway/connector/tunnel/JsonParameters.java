package dev.gangway.connector.tunnel;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decodes and checks the base64url JSON parameters of a socket path ({@code meta=}, {@code inject=}). The decoded
 * text is kept as sent; it is checked here so that a bad tunnel is refused when it is opened, not when its first
 * visitor arrives.
 */
final class JsonParameters {

    /**
     * Made once: finding the JSON-P provider goes through the service loader, and an SSH I/O thread's context class
     * loader is not the deployment's, so per-call lookups there are both slow and fragile.
     */
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private JsonParameters() {
    }

    /** {@code meta=}: any JSON object. Returns the decoded text. */
    static String metaObject(String base64url) throws InvalidTunnelRequestException {
        String json = decode("meta", base64url);
        if (!(read("meta", json) instanceof JsonObject)) {
            throw new InvalidTunnelRequestException("meta must be a base64url-encoded JSON object");
        }
        return json;
    }

    /**
     * {@code inject=}: a JSON array of {@code {src, async?, defer?, pathRegex?}}. Other members are ignored, as
     * Preevy ignores them. Returns the decoded text.
     */
    static String injectArray(String base64url) throws InvalidTunnelRequestException {
        String json = decode("inject", base64url);
        if (!(read("inject", json) instanceof JsonArray specs)) {
            throw new InvalidTunnelRequestException("inject must be a base64url-encoded JSON array");
        }
        for (int i = 0; i < specs.size(); i++) {
            checkInjectSpec(i, specs.get(i));
        }
        return json;
    }

    private static void checkInjectSpec(int index, JsonValue value) throws InvalidTunnelRequestException {
        String where = "inject[" + index + "]";
        if (!(value instanceof JsonObject spec)) {
            throw new InvalidTunnelRequestException(where + " must be an object {src, async?, defer?, pathRegex?}");
        }
        if (!(spec.get("src") instanceof JsonString)) {
            throw new InvalidTunnelRequestException(where + ".src must be a string (the script URL)");
        }
        for (String flag : new String[] {"async", "defer"}) {
            JsonValue v = spec.get(flag);
            if (v != null && v != JsonValue.TRUE && v != JsonValue.FALSE) {
                throw new InvalidTunnelRequestException(where + "." + flag + " must be true or false");
            }
        }
        JsonValue regex = spec.get("pathRegex");
        if (regex != null) {
            if (!(regex instanceof JsonString pattern)) {
                throw new InvalidTunnelRequestException(where + ".pathRegex must be a string");
            }
            try {
                Pattern.compile(pattern.getString());
            } catch (PatternSyntaxException e) {
                throw new InvalidTunnelRequestException(where + ".pathRegex is not a valid regular expression: "
                        + e.getDescription(), e);
            }
        }
    }

    private static String decode(String parameter, String base64url) throws InvalidTunnelRequestException {
        byte[] bytes;
        try {
            // Node's base64url decoder, which Preevy uses, also takes the standard alphabet; so do we.
            bytes = Base64.getUrlDecoder().decode(base64url.replace('+', '-').replace('/', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidTunnelRequestException(parameter + " is not valid base64url", e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidTunnelRequestException(parameter + " is not UTF-8 text", e);
        }
    }

    private static JsonValue read(String parameter, String json) throws InvalidTunnelRequestException {
        try (JsonParser parser = PARSERS.createParser(new StringReader(json))) {
            if (!parser.hasNext()) {
                throw new InvalidTunnelRequestException(parameter + " is not valid JSON: it is empty");
            }
            parser.next();
            JsonValue value = parser.getValue();
            // A reader would stop after the first value and accept "{} trailing"; the parser sees the rest.
            if (parser.hasNext()) {
                throw new InvalidTunnelRequestException(parameter + " is not valid JSON: text after the value");
            }
            return value;
        } catch (JsonException | IllegalStateException e) {
            // JsonParsingException is a JsonException; its message names the position, which helps the client.
            throw new InvalidTunnelRequestException(parameter + " is not valid JSON: " + oneLine(e.getMessage()), e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ");
    }
}
