package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.nn.Module;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads a Hugging Face model folder ({@code config.json}, {@code model.safetensors}) into a {@link Module}. */
final class CheckpointLoader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointLoader() {
    }

    static JsonNode config(Path folder) throws IOException {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException("no config.json in model folder " + folder);
        }
        return JSON.readTree(file.toFile());
    }

    /**
     * Loads every parameter of {@code model} strictly (missing, unexpected or mis-shaped keys fail), as float32, into
     * {@code manager}, and freezes it for inference.
     *
     * @param ignored keys the checkpoint may hold that the model does not use (buffers, a pooler)
     * @param prefix  a prefix to strip from checkpoint keys when present (e.g. {@code vit.}), or empty
     */
    static void load(Module model, Path folder, NDManager manager, Predicate<String> ignored, String prefix)
            throws IOException {
        Path file = folder.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model.safetensors in model folder " + folder
                    + " (convert pytorch_model.bin to safetensors first)");
        }
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            List<String> keys = new ArrayList<>();
            boolean prefixed = !prefix.isEmpty() && st.names().stream().allMatch(k -> k.startsWith(prefix));
            for (String k : st.names()) {
                String key = prefixed ? k.substring(prefix.length()) : k;
                if (!ignored.test(key)) {
                    keys.add(key);
                }
            }
            try {
                model.loadStateDict(keys, (key, shape) -> {
                    String real = prefixed ? prefix + key : key;
                    return st.contains(real) ? st.loadFloat32(real, manager) : null;
                });
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        model.setTrainable(false);
    }
}
