package dev.likeness.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Provenance written into every artifact's safetensors {@code __metadata__}: which method, which base model (by
 * content digest), which prompts, steps, learning rates and seed produced it, and with which library version.
 *
 * @param extra method-specific entries (e.g. {@code lora.rank}); keys must not collide with the standard ones
 */
public record ArtifactMetadata(String method, String baseModel, String baseModelDigest, String instancePrompt,
                               String classPrompt, int steps, Map<String, Float> learningRates, long seed,
                               String libraryVersion, Map<String, String> extra) {

    /** Version string of this library (from the jar manifest; {@code dev} when run from classes). */
    public static String currentLibraryVersion() {
        String v = ArtifactMetadata.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public ArtifactMetadata {
        Objects.requireNonNull(method, "method");
        learningRates = learningRates == null ? Map.of() : new TreeMap<>(learningRates);
        extra = extra == null ? Map.of() : new TreeMap<>(extra);
    }

    /** Same provenance with more method-specific entries. */
    public ArtifactMetadata with(Map<String, String> more) {
        Map<String, String> merged = new TreeMap<>(extra);
        merged.putAll(more);
        return new ArtifactMetadata(method, baseModel, baseModelDigest, instancePrompt, classPrompt, steps,
                learningRates, seed, libraryVersion, merged);
    }

    /** The string map for safetensors {@code __metadata__} (deterministic: no timestamps). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("likeness.method", method);
        put(m, "likeness.base_model", baseModel);
        put(m, "likeness.base_model_digest", baseModelDigest);
        put(m, "likeness.instance_prompt", instancePrompt);
        put(m, "likeness.class_prompt", classPrompt);
        m.put("likeness.steps", Integer.toString(steps));
        learningRates.forEach((g, lr) -> m.put("likeness.lr." + g, Float.toString(lr)));
        m.put("likeness.seed", Long.toString(seed));
        put(m, "likeness.version", libraryVersion);
        extra.forEach((k, v) -> {
            if (m.containsKey(k)) {
                throw new IllegalArgumentException("artifact metadata key '" + k + "' is reserved");
            }
            m.put(k, v);
        });
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
