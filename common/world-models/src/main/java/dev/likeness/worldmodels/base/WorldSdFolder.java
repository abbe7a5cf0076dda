package dev.likeness.worldmodels.base;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.world.tokenizer.WorldTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Assembles the {@code world-sd} diffusers folder that {@code StableDiffusionModel.load} reads:
 * {@code model_index.json}, {@code unet/}, {@code vae/}, {@code text_encoder/}, {@code tokenizer/} (the world
 * tokenizer) and {@code scheduler/} (DDIM on SD 1.x's scaled-linear schedule). Weights are stored as float16 (the
 * engine widens them to float32 on load), which halves the shipped size.
 */
public final class WorldSdFolder {

    private static final String VAE_WEIGHTS = "diffusion_pytorch_model.safetensors";

    private WorldSdFolder() {
    }

    /**
     * Writes the shared parts around already exported {@code unet/} and {@code text_encoder/} components: the VAE
     * (copied from {@code vaeFolder}, its weights narrowed to float16 if they are not already), tokenizer, scheduler
     * and model index.
     */
    public static Path assemble(Path folder, Path vaeFolder) throws IOException {
        for (String f : List.of("config.json", VAE_WEIGHTS)) {
            if (!Files.isRegularFile(vaeFolder.resolve(f))) {
                throw new IOException("VAE folder " + vaeFolder + " has no " + f);
            }
        }
        Path vae = folder.resolve("vae");
        Files.createDirectories(vae);
        Files.copy(vaeFolder.resolve("config.json"), vae.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        writeHalf(vaeFolder.resolve(VAE_WEIGHTS), vae.resolve(VAE_WEIGHTS));
        writeTokenizer(folder.resolve("tokenizer"));
        writeJson(folder.resolve("scheduler/scheduler_config.json"), schedulerConfig());
        writeJson(folder.resolve("model_index.json"), modelIndex());
        return folder;
    }

    /**
     * Prompt length of world-sd: every world caption is at most 23 tokens, so rows of 32 (bos + 30 + eos) lose
     * nothing, and the text encoder and cross-attention cost 2.4× less than at CLIP's 77 in training and sampling.
     */
    public static final int MAX_PROMPT_TOKENS = 32;

    /** The world tokenizer with {@code model_max_length} = {@link #MAX_PROMPT_TOKENS}. */
    public static Path writeTokenizer(Path dir) throws IOException {
        WorldTokenizer.copyBundled(dir);
        Path cfg = dir.resolve("tokenizer_config.json");
        ObjectNode json = (ObjectNode) JsonConfig.JSON.readTree(cfg.toFile());
        json.put("model_max_length", MAX_PROMPT_TOKENS);
        writeJson(cfg, json);
        return dir;
    }

    /** Writes {@code dir/config.json} and {@code dir/weightsFile} with {@code tensors} narrowed to float16. */
    static void writeComponent(Path dir, ObjectNode config, String weightsFile, Map<String, NDArray> tensors)
            throws IOException {
        Files.createDirectories(dir);
        config.put("torch_dtype", "float16");
        writeJson(dir.resolve("config.json"), config);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> half = new LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                NDArray h = v.toType(DataType.FLOAT16, true);
                h.attach(m);
                half.put(k, h);
            });
            SafeTensorsWriter.write(dir.resolve(weightsFile), half, Map.of("format", "pt"));
        }
    }

    private static void writeHalf(Path source, Path target) throws IOException {
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            return;
        }
        try (var f = dev.likeness.engine.io.SafeTensorsFile.open(source); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> half = new LinkedHashMap<>();
            for (String name : f.names()) {
                NDArray a = f.loadFloat32(name, m);
                half.put(name, a.toType(DataType.FLOAT16, true));
            }
            SafeTensorsWriter.write(target, half, Map.of("format", "pt"));
        }
    }

    /** DDIM with Stable Diffusion 1.x's training schedule (what the base model was trained on). */
    static ObjectNode schedulerConfig() {
        ObjectNode o = JsonConfig.object();
        o.put("_class_name", "DDIMScheduler");
        o.put("_diffusers_version", "0.27.2");
        o.put("beta_end", 0.012);
        o.put("beta_schedule", "scaled_linear");
        o.put("beta_start", 0.00085);
        o.put("clip_sample", false);
        o.put("clip_sample_range", 1.0);
        o.put("dynamic_thresholding_ratio", 0.995);
        o.put("num_train_timesteps", 1000);
        o.put("prediction_type", "epsilon");
        o.put("rescale_betas_zero_snr", false);
        o.put("sample_max_value", 1.0);
        o.put("set_alpha_to_one", false);
        o.put("steps_offset", 1);
        o.put("thresholding", false);
        o.put("timestep_spacing", "leading");
        o.putNull("trained_betas");
        return o;
    }

    static ObjectNode modelIndex() {
        ObjectNode o = JsonConfig.object();
        o.put("_class_name", "StableDiffusionPipeline");
        o.put("_diffusers_version", "0.27.2");
        for (String absent : List.of("feature_extractor", "image_encoder", "safety_checker")) {
            o.putArray(absent).addNull().addNull();
        }
        o.put("requires_safety_checker", false);
        pair(o.putArray("scheduler"), "diffusers", "DDIMScheduler");
        pair(o.putArray("text_encoder"), "transformers", "CLIPTextModel");
        pair(o.putArray("tokenizer"), "transformers", "CLIPTokenizer");
        pair(o.putArray("unet"), "diffusers", "UNet2DConditionModel");
        pair(o.putArray("vae"), "diffusers", "AutoencoderKL");
        return o;
    }

    private static void pair(ArrayNode a, String library, String cls) {
        a.add(library).add(cls);
    }

    static void writeJson(Path file, ObjectNode json) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JsonConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }

    /** Total size in bytes of the files below {@code folder}. */
    public static long size(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            long total = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
