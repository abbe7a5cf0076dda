package dev.likeness.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to a model's {@code config.json} with the library's defaults for absent (or {@code null}) fields, and
 * errors that name the file and field.
 */
public final class JsonConfig {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode node;
    private final String source;

    public JsonConfig(JsonNode node, String source) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(source + ": config is not a JSON object");
        }
        this.node = node;
        this.source = source;
    }

    public static JsonConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        try {
            return new JsonConfig(JSON.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    public static JsonConfig of(String json) {
        try {
            return new JsonConfig(JSON.readTree(json), "config");
        } catch (IOException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getMessage(), e);
        }
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }

    public int getInt(String field, int dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
            throw bad(field, "an integer", v);
        }
        return v.asInt();
    }

    public double getDouble(String field, double dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw bad(field, "a number", v);
        }
        return v.asDouble();
    }

    public boolean getBoolean(String field, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw bad(field, "true or false", v);
        }
        return v.asBoolean();
    }

    public String getString(String field, String dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw bad(field, "a string", v);
        }
        return v.asText();
    }

    /** A list of strings; {@code dflt} when absent. */
    public List<String> getStrings(String field, List<String> dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isArray()) {
            throw bad(field, "a list of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw bad(field, "a list of strings", v);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A list of integers; {@code dflt} when absent. */
    public List<Integer> getInts(String field, List<Integer> dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isArray()) {
            throw bad(field, "a list of integers", v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isInt()) {
                throw bad(field, "a list of integers", v);
            }
            out.add(e.asInt());
        }
        return out;
    }

    /**
     * A field that is either one integer (repeated {@code n} times) or a list of exactly {@code n} integers, as
     * diffusers allows for per-block settings; {@code null} when absent.
     */
    public List<Integer> getPerBlockInts(String field, int n) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        if (v.isInt()) {
            for (int i = 0; i < n; i++) {
                out.add(v.asInt());
            }
            return out;
        }
        out = getInts(field, null);
        if (out.size() != n) {
            throw new IllegalArgumentException(source + ": field '" + field + "' has " + out.size()
                    + " entries but the model has " + n + " blocks");
        }
        return out;
    }

    /** Per-block booleans (one value or a list of {@code n}); {@code dflt} repeated when absent. */
    public List<Boolean> getPerBlockBooleans(String field, int n, boolean dflt) {
        JsonNode v = node.get(field);
        List<Boolean> out = new ArrayList<>();
        if (v == null || v.isNull() || v.isBoolean()) {
            boolean b = v == null || v.isNull() ? dflt : v.asBoolean();
            for (int i = 0; i < n; i++) {
                out.add(b);
            }
            return out;
        }
        if (!v.isArray() || v.size() != n) {
            throw bad(field, "a boolean or a list of " + n + " booleans", v);
        }
        for (JsonNode e : v) {
            out.add(e.asBoolean());
        }
        return out;
    }

    public IllegalArgumentException bad(String field, String expected, JsonNode value) {
        return new IllegalArgumentException(source + ": field '" + field + "' must be " + expected + " but is "
                + value);
    }

    public String source() {
        return source;
    }

    /** Helpers for writing configs. */
    public static ArrayNode ints(List<Integer> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    public static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
