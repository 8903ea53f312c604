package dev.gangway.proxy.inject;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code inject=} specs of one tunnel ({@code TunnelInfo.injectJson()}), parsed once. The resource adapter has
 * already refused tunnels with bad specs, so a failure here means the two disagree.
 */
public final class InjectionSpecs {

    /**
     * Made once: the JSON-P provider is found through the service loader, which is slow per call and, on an I/O
     * thread whose context class loader is not the deployment's, fragile.
     */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private static final InjectionSpecs NONE = new InjectionSpecs(List.of());

    private final List<InjectionSpec> specs;
    /** The scripts when every spec applies, the usual case (no pathRegex): built once, not per request. */
    private final InjectedScripts all;

    private InjectionSpecs(List<InjectionSpec> specs) {
        this.specs = specs;
        this.all = specs.isEmpty() ? null : InjectedScripts.of(specs);
    }

    /** No specs: {@link #forRequest} always answers {@code null}. */
    public static InjectionSpecs none() {
        return NONE;
    }

    /**
     * Parses the decoded {@code inject=} JSON array.
     *
     * @param injectJson the array text, or {@code null} or blank for none
     * @throws IllegalArgumentException if it is not an array of {@code {src, async?, defer?, pathRegex?}}
     */
    public static InjectionSpecs parse(String injectJson) {
        if (injectJson == null || injectJson.isBlank()) {
            return NONE;
        }
        JsonValue value;
        try (JsonReader reader = READERS.createReader(new StringReader(injectJson))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("inject is not valid JSON: " + e.getMessage(), e);
        }
        if (!(value instanceof JsonArray array)) {
            throw new IllegalArgumentException("inject must be a JSON array");
        }
        List<InjectionSpec> specs = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            specs.add(spec(i, array.get(i)));
        }
        return specs.isEmpty() ? NONE : new InjectionSpecs(List.copyOf(specs));
    }

    private static InjectionSpec spec(int index, JsonValue value) {
        String where = "inject[" + index + "]";
        if (!(value instanceof JsonObject object)) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        if (!(object.get("src") instanceof JsonString src)) {
            throw new IllegalArgumentException(where + ".src must be a string");
        }
        Pattern pathRegex = null;
        JsonValue regex = object.get("pathRegex");
        if (regex != null) {
            if (!(regex instanceof JsonString pattern)) {
                throw new IllegalArgumentException(where + ".pathRegex must be a string");
            }
            try {
                pathRegex = Pattern.compile(pattern.getString());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ".pathRegex is not a valid regular expression", e);
            }
        }
        return new InjectionSpec(src.getString(), flag(object, where, "async"), flag(object, where, "defer"),
                pathRegex);
    }

    private static boolean flag(JsonObject object, String where, String name) {
        JsonValue v = object.get(name);
        if (v == null || v == JsonValue.FALSE) {
            return false;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        throw new IllegalArgumentException(where + "." + name + " must be true or false");
    }

    public boolean isEmpty() {
        return specs.isEmpty();
    }

    /**
     * The injection for one request, or {@code null} when no spec applies to it (then proxy it untouched). A spec's
     * {@code pathRegex} is searched for in the request target, path and query, as Preevy tests it against Node's
     * {@code req.url}.
     *
     * @param requestTarget the path and query the service is asked for, e.g. {@code /app/page?x=1}
     * @return a new object for this request only: it remembers which validators it changed
     */
    public ScriptInjection forRequest(String requestTarget) {
        if (specs.isEmpty()) {
            return null;
        }
        List<InjectionSpec> applying = new ArrayList<>(specs.size());
        for (InjectionSpec spec : specs) {
            if (spec.appliesTo(requestTarget)) {
                applying.add(spec);
            }
        }
        if (applying.isEmpty()) {
            return null;
        }
        return new ScriptInjection(applying.size() == specs.size() ? all : InjectedScripts.of(applying));
    }

    /** The specs, for logs and test failures. */
    @Override
    public String toString() {
        return "InjectionSpecs" + specs;
    }
}
