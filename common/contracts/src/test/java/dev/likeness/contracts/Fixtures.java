package dev.likeness.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Example messages and JSON edits for the tests. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Marks a field to remove in {@link #edit}. */
    static final String REMOVE = "<remove>";

    private Fixtures() {
    }

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/messages/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource messages/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String svdiffJob() {
        return resource("job-svdiff.json");
    }

    /**
     * Sets the value at a dotted path ({@code hyperParameters.steps}, {@code instanceImages.0}) to
     * the JSON text {@code rawValue}, or removes it when {@code rawValue} is {@link #REMOVE}.
     */
    static String edit(String json, String path, String rawValue) {
        try {
            JsonNode root = JSON.readTree(json);
            String[] parts = path.split("\\.");
            JsonNode parent = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode next = parent.isArray() ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
                if (next == null) {
                    next = ((ObjectNode) parent).putObject(parts[i]);
                }
                parent = next;
            }
            String last = parts[parts.length - 1];
            if (REMOVE.equals(rawValue)) {
                if (parent.isArray()) {
                    ((ArrayNode) parent).remove(Integer.parseInt(last));
                } else {
                    ((ObjectNode) parent).remove(last);
                }
            } else {
                JsonNode value = JSON.readTree(rawValue);
                if (parent.isArray()) {
                    ((ArrayNode) parent).set(Integer.parseInt(last), value);
                } else {
                    ((ObjectNode) parent).set(last, value);
                }
            }
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
