package dev.likeness.training;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.model.vae.VaeConfig;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.engine.tokenizer.ClipTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Stable Diffusion 1.5's component shapes (the {@code config.json} fields of runwayml/stable-diffusion-v1-5's
 * {@code unet/}, {@code text_encoder/} and {@code vae/}) and an in-memory SD 1.5-shaped {@link TrainingModel} with
 * seeded random weights, for benchmarks at real scale without a download. Building a module from a config allocates
 * nothing; only {@link #randomModel} fills weights (UNet 3.44 GB + text encoder 0.49 GB of float32).
 */
public final class Sd15Shapes {

    /** Parameters of SD 1.5's UNet (diffusers' {@code UNet2DConditionModel}). */
    public static final long UNET_PARAMETERS = 859_520_964L;
    /** Parameters of SD 1.5's text encoder (transformers' {@code CLIPTextModel}, ViT-L/14 text tower). */
    public static final long TEXT_ENCODER_PARAMETERS = 123_060_480L;
    /** Parameters of SD 1.5's VAE (diffusers' {@code AutoencoderKL}, encoder and decoder). */
    public static final long VAE_PARAMETERS = 83_653_863L;

    private static final String UNET = """
            {"block_out_channels": [320, 640, 1280, 1280], "layers_per_block": 2, "sample_size": 64,
             "in_channels": 4, "out_channels": 4, "act_fn": "silu", "norm_eps": 1e-05, "flip_sin_to_cos": true,
             "freq_shift": 0, "downsample_padding": 1, "mid_block_scale_factor": 1,
             "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
             "cross_attention_dim": 768, "attention_head_dim": 8, "norm_num_groups": 32}""";
    private static final String TEXT_ENCODER = """
            {"vocab_size": 49408, "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
             "num_attention_heads": 12, "max_position_embeddings": 77, "hidden_act": "quick_gelu",
             "layer_norm_eps": 1e-05, "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1,
             "projection_dim": 768}""";
    private static final String VAE = """
            {"block_out_channels": [128, 256, 512, 512], "in_channels": 3, "out_channels": 3, "latent_channels": 4,
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
             "layers_per_block": 2, "act_fn": "silu", "norm_num_groups": 32, "sample_size": 512,
             "scaling_factor": 0.18215}""";

    private static final String TOKENIZER_RESOURCE = "/dev/likeness/engine/random/tiny-tokenizer/";

    private Sd15Shapes() {
    }

    public static UNetConfig unet() {
        return UNetConfig.from(JsonConfig.of(UNET));
    }

    public static ClipTextConfig textEncoder() {
        return ClipTextConfig.from(JsonConfig.of(TEXT_ENCODER));
    }

    public static VaeConfig vae() {
        return VaeConfig.from(JsonConfig.of(VAE));
    }

    /**
     * An SD 1.5-shaped model with random weights (UNet seed {@code seed}, text encoder {@code seed + 2}, as
     * {@link TinyModelGenerator} seeds them) in {@code manager}. No VAE: callers feed latents directly
     * ({@code 64×64} latents for 512 px). The tokenizer is the engine's bundled 1000-token CLIP-layout BPE (ids stay
     * inside the 49,408-row embedding table; common words such as "the" and "dog" are single tokens of it).
     */
    public static TrainingModel randomModel(long seed, NDManager manager) throws IOException {
        UNet2DConditionModel unet = new UNet2DConditionModel(unet());
        RandomInit.initialize(unet, seed, manager);
        ClipTextModel textEncoder = new ClipTextModel(textEncoder());
        RandomInit.initialize(textEncoder, seed + 2, manager);
        unet.setTrainable(false);
        textEncoder.setTrainable(false);
        NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.alphasCumprod("scaled_linear", 0.00085, 0.012, 1000),
                NoiseSchedule.PredictionType.EPSILON);
        return new TrainingModel(unet, unet::forward, textEncoder,
                ids -> textEncoder.forward(ids).lastHiddenState(), null, null, (float) vae().scalingFactor(),
                new ClipPromptTokenizer(bundledTokenizer()), schedule, "random:sd15-shapes",
                "random-sd15-shapes-seed-" + seed);
    }

    // ClipTokenizer reads a folder: copy the bundled files to a temporary one and delete it after loading.
    private static ClipTokenizer bundledTokenizer() throws IOException {
        Path dir = Files.createTempDirectory("likeness-sd15-tokenizer");
        try {
            for (String f : List.of("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")) {
                try (InputStream in = TinyModelGenerator.class.getResourceAsStream(TOKENIZER_RESOURCE + f)) {
                    if (in == null) {
                        throw new IllegalStateException("bundled tokenizer file missing from the classpath: " + f);
                    }
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return ClipTokenizer.load(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
