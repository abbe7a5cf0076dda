package dev.likeness.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.Module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Fills a {@link Module}'s parameters from a safetensors checkpoint, strictly, and saves them back. */
public final class ModelWeights {

    private ModelWeights() {
    }

    /**
     * Loads every parameter of {@code module} from {@code file}: the checkpoint keys that start with
     * {@code keyPrefix} (which is stripped) must be exactly the module's parameter paths, with the declared shapes.
     * Half precision is widened to float32. Arrays are copied into {@code manager} (not left on the memory map), so
     * they can be updated in place by an optimizer.
     *
     * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped key
     */
    public static void load(Module module, Path file, NDManager manager, String keyPrefix) {
        load(module, file, manager, keyPrefix, k -> false);
    }

    /**
     * As {@link #load(Module, Path, NDManager, String)}, skipping checkpoint keys (after prefix stripping) that
     * {@code ignore} accepts, e.g. non-persistent buffers that old checkpoints carry.
     */
    public static void load(Module module, Path file, NDManager manager, String keyPrefix, Predicate<String> ignore) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("weights file not found: " + file);
        }
        String prefix = keyPrefix == null ? "" : keyPrefix;
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            List<String> keys = new ArrayList<>();
            for (String name : st.names()) {
                if (name.startsWith(prefix) && !ignore.test(name.substring(prefix.length()))) {
                    keys.add(name.substring(prefix.length()));
                }
            }
            try {
                module.loadStateDict(keys, (key, shape) -> {
                    String full = prefix + key;
                    if (!st.contains(full)) {
                        return null;
                    }
                    return readCopy(st, full, manager);
                });
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weights " + file, e);
        }
    }

    private static NDArray readCopy(SafeTensorsFile st, String name, NDManager manager) {
        NDArray a = st.load(name, manager);
        if (a.getDataType() == DataType.FLOAT32) {
            // the loaded array aliases the read-only memory map; in-place updates would crash the process
            NDArray copy = a.duplicate();
            a.close();
            return copy;
        }
        NDArray f = a.toType(DataType.FLOAT32, true);
        a.close();
        return f;
    }

    /**
     * Writes the module's stored parameters (base weights, not overrides) to {@code file}, keys prefixed with
     * {@code keyPrefix}, with metadata {@code {"format": "pt"}} as diffusers/transformers write it.
     */
    public static void save(Module module, Path file, String keyPrefix) {
        String prefix = keyPrefix == null ? "" : keyPrefix;
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        module.namedParameters().forEach((k, p) -> {
            if (p.array() == null) {
                throw new IllegalStateException("cannot save " + module.getClass().getSimpleName() + ": parameter '"
                        + k + "' has no value");
            }
            tensors.put(prefix + k, p.array());
        });
        try {
            SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write weights " + file, e);
        }
    }
}
