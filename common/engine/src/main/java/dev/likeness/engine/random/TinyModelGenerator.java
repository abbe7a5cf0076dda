package dev.likeness.engine.random;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.VaeConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a complete diffusers-format Stable Diffusion folder with seeded random weights: {@code model_index.json},
 * {@code unet/}, {@code vae/}, {@code text_encoder/} (config + safetensors), {@code tokenizer/} (the bundled
 * 1000-token CLIP-layout BPE) and {@code scheduler/} (DDIM, SD 1.x betas). The same configs and seed always give
 * the same bytes. Useful for tests and demos without downloading real weights.
 */
public final class TinyModelGenerator {

    /** Vocabulary size of the bundled tokenizer. */
    public static final int TOKENIZER_VOCAB = 1000;
    private static final String TOKENIZER_RESOURCE = "/dev/likeness/engine/random/tiny-tokenizer/";
    private static final List<String> TOKENIZER_FILES = List.of("vocab.json", "merges.txt", "tokenizer_config.json",
            "special_tokens_map.json");

    /** The three model configs of one pipeline. */
    public record Spec(UNetConfig unet, VaeConfig vae, ClipTextConfig textEncoder) {
        public Spec {
            if (textEncoder.vocabSize() < TOKENIZER_VOCAB) {
                throw new IllegalArgumentException("text encoder vocab_size " + textEncoder.vocabSize()
                        + " is smaller than the bundled tokenizer's " + TOKENIZER_VOCAB + " tokens");
            }
            for (int d : unet.crossAttentionDim()) {
                if (d != textEncoder.hiddenSize()) {
                    throw new IllegalArgumentException("UNet cross_attention_dim " + unet.crossAttentionDim()
                            + " must equal the text encoder hidden_size " + textEncoder.hiddenSize());
                }
            }
            if (vae.latentChannels() != unet.inChannels() || vae.latentChannels() != unet.outChannels()) {
                throw new IllegalArgumentException("VAE latent_channels " + vae.latentChannels()
                        + " must equal the UNet in_channels " + unet.inChannels() + " and out_channels "
                        + unet.outChannels());
            }
        }
    }

    private TinyModelGenerator() {
    }

    /** The configs of diffusers' tiny test pipeline (the golden {@code tiny-sd}). */
    public static Spec tinySd() {
        UNetConfig unet = UNetConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 64], "layers_per_block": 2, "sample_size": 32, "in_channels": 4,
                 "out_channels": 4, "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
                 "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"], "cross_attention_dim": 32,
                 "attention_head_dim": 8, "norm_num_groups": 32}"""));
        VaeConfig vae = VaeConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 64], "in_channels": 3, "out_channels": 3, "latent_channels": 4,
                 "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
                 "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"], "layers_per_block": 1,
                 "norm_num_groups": 32, "sample_size": 32}"""));
        ClipTextConfig text = ClipTextConfig.from(JsonConfig.of("""
                {"bos_token_id": 0, "eos_token_id": 2, "hidden_size": 32, "intermediate_size": 37,
                 "layer_norm_eps": 1e-05, "num_attention_heads": 4, "num_hidden_layers": 5, "pad_token_id": 1,
                 "vocab_size": 1000, "hidden_act": "quick_gelu", "max_position_embeddings": 77}"""));
        return new Spec(unet, vae, text);
    }

    /**
     * Writes the folder (created if needed; existing files are replaced).
     *
     * @return {@code folder}
     */
    public static Path write(Path folder, Spec spec, long seed) {
        try {
            Files.createDirectories(folder);
            try (NDManager manager = NDManager.newBaseManager()) {
                UNet2DConditionModel unet = new UNet2DConditionModel(spec.unet());
                RandomInit.initialize(unet, seed, manager);
                writeJson(folder.resolve("unet/config.json"), spec.unet().toJson());
                ModelWeights.save(unet, folder.resolve("unet/diffusion_pytorch_model.safetensors"), "");
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                AutoencoderKL vae = new AutoencoderKL(spec.vae());
                RandomInit.initialize(vae, seed + 1, manager);
                writeJson(folder.resolve("vae/config.json"), spec.vae().toJson());
                ModelWeights.save(vae, folder.resolve("vae/diffusion_pytorch_model.safetensors"), "");
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                ClipTextModel text = new ClipTextModel(spec.textEncoder());
                RandomInit.initialize(text, seed + 2, manager);
                writeJson(folder.resolve("text_encoder/config.json"), spec.textEncoder().toJson());
                ModelWeights.save(text, folder.resolve("text_encoder/model.safetensors"), "");
            }
            Path tok = folder.resolve("tokenizer");
            Files.createDirectories(tok);
            for (String f : TOKENIZER_FILES) {
                try (InputStream in = TinyModelGenerator.class.getResourceAsStream(TOKENIZER_RESOURCE + f)) {
                    if (in == null) {
                        throw new IllegalStateException("bundled tokenizer file missing from the classpath: " + f);
                    }
                    Files.copy(in, tok.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            writeJson(folder.resolve("scheduler/scheduler_config.json"), schedulerConfig());
            writeJson(folder.resolve("model_index.json"), modelIndex());
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model folder " + folder, e);
        }
    }

    /** DDIM with Stable Diffusion 1.x's training schedule, as in the golden tiny-sd. */
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

    private static void writeJson(Path file, ObjectNode json) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JsonConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }
}
