package dev.likeness.engine.folder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A diffusers model folder on local disk: {@code model_index.json} naming the components, one sub-folder per
 * component. {@link #open} validates that every component a Stable Diffusion pipeline needs is present with its
 * config and weights, and fails naming exactly what is missing.
 */
public final class ModelFolder {

    /** One entry of model_index.json, e.g. {@code "unet": ["diffusers", "UNet2DConditionModel"]}. */
    public record Component(String name, String library, String className) {
    }

    public static final String TOKENIZER = "tokenizer";
    public static final String TEXT_ENCODER = "text_encoder";
    public static final String UNET = "unet";
    public static final String VAE = "vae";
    public static final String SCHEDULER = "scheduler";

    /** Files each required component must have (weights are resolved separately, see {@link #weights}). */
    private static final Map<String, List<String>> REQUIRED_FILES = Map.of(
            TOKENIZER, List.of("vocab.json", "merges.txt"),
            TEXT_ENCODER, List.of("config.json"),
            UNET, List.of("config.json"),
            VAE, List.of("config.json"),
            SCHEDULER, List.of("scheduler_config.json"));
    private static final Map<String, String> WEIGHT_FILES = Map.of(
            TEXT_ENCODER, "model",
            UNET, "diffusion_pytorch_model",
            VAE, "diffusion_pytorch_model");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final String pipelineClass;
    private final Map<String, Component> components;

    private ModelFolder(Path root, String pipelineClass, Map<String, Component> components) {
        this.root = root;
        this.pipelineClass = pipelineClass;
        this.components = components;
    }

    /**
     * Reads and validates a Stable Diffusion folder.
     *
     * @throws IOException naming every missing component, file or weights file
     */
    public static ModelFolder open(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("model folder " + root + " does not exist or is not a directory");
        }
        Path index = root.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            throw new IOException("model folder " + root + " has no model_index.json (is it a diffusers folder?)");
        }
        JsonNode json;
        try {
            json = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new IOException(index + ": malformed JSON: " + e.getMessage(), e);
        }
        Map<String, Component> components = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (!e.getKey().startsWith("_") && v.isArray() && v.size() == 2 && !v.get(0).isNull()) {
                components.put(e.getKey(), new Component(e.getKey(), v.get(0).asText(), v.get(1).asText()));
            }
        });
        ModelFolder folder = new ModelFolder(root, json.path("_class_name").asText(""),
                Collections.unmodifiableMap(components));
        List<String> problems = new ArrayList<>();
        for (String name : List.of(TOKENIZER, TEXT_ENCODER, UNET, VAE, SCHEDULER)) {
            if (!components.containsKey(name)) {
                problems.add("model_index.json lists no '" + name + "' component");
                continue;
            }
            Path dir = root.resolve(name);
            if (!Files.isDirectory(dir)) {
                problems.add("component folder '" + name + "/' is missing");
                continue;
            }
            for (String file : REQUIRED_FILES.get(name)) {
                if (!Files.isRegularFile(dir.resolve(file))) {
                    problems.add("'" + name + "/" + file + "' is missing");
                }
            }
            if (WEIGHT_FILES.containsKey(name) && folder.findWeights(name) == null) {
                String base = WEIGHT_FILES.get(name);
                boolean pickle = Files.isRegularFile(dir.resolve(base + ".bin"));
                problems.add("'" + name + "/" + base + ".safetensors' is missing"
                        + (pickle ? " (only a PyTorch pickle .bin is present; convert it to safetensors)" : ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("model folder " + root + " is incomplete: " + String.join("; ", problems));
        }
        return folder;
    }

    public Path root() {
        return root;
    }

    /** {@code _class_name} of model_index.json (e.g. StableDiffusionPipeline). */
    public String pipelineClass() {
        return pipelineClass;
    }

    public Map<String, Component> components() {
        return components;
    }

    /** Folder of a component. */
    public Path component(String name) {
        if (!components.containsKey(name)) {
            throw new IllegalArgumentException("model folder " + root + " has no component '" + name + "'");
        }
        return root.resolve(name);
    }

    /** The weights file of a component ({@code model.safetensors} or {@code diffusion_pytorch_model.safetensors}). */
    public Path weights(String name) {
        Path p = findWeights(name);
        if (p == null) {
            throw new IllegalArgumentException("component '" + name + "' of " + root + " has no safetensors weights");
        }
        return p;
    }

    private Path findWeights(String name) {
        String base = WEIGHT_FILES.get(name);
        if (base == null) {
            return null;
        }
        Path p = root.resolve(name).resolve(base + ".safetensors");
        return Files.isRegularFile(p) ? p : null;
    }
}
