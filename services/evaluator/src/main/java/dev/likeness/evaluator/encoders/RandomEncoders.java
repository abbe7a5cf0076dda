package dev.likeness.evaluator.encoders;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.metrics.encoder.ClipConfig;
import dev.likeness.metrics.encoder.ClipModel;
import dev.likeness.metrics.encoder.DinoVit;
import dev.likeness.metrics.encoder.VitConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tiny CLIP and DINO (ViT) folders with seeded random weights, for installations without real encoders (the local
 * demo, tests): the same seed always writes the same bytes. Their configs say {@code "likeness_untrained": true}, so
 * every report made with them is flagged: the numbers check the pipeline, they do not measure quality.
 */
public final class RandomEncoders {

    /** CLIP in the layout of transformers' tiny test model: 32-px images, 16-d projections, the tiny tokenizer. */
    static final String CLIP_CONFIG = """
            {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 16,
             "logit_scale_init_value": 2.6592, "likeness_untrained": true,
             "text_config": {"bos_token_id": 998, "eos_token_id": 999, "pad_token_id": 999,
               "hidden_act": "quick_gelu", "hidden_size": 32, "intermediate_size": 37, "layer_norm_eps": 1e-05,
               "max_position_embeddings": 77, "num_attention_heads": 4, "num_hidden_layers": 2,
               "projection_dim": 16, "vocab_size": 1000},
             "vision_config": {"hidden_act": "quick_gelu", "hidden_size": 32, "image_size": 32,
               "intermediate_size": 37, "layer_norm_eps": 1e-05, "num_attention_heads": 4, "num_channels": 3,
               "num_hidden_layers": 2, "patch_size": 8, "projection_dim": 16}}
            """;
    static final String CLIP_PREPROCESSOR = """
            {"image_processor_type": "CLIPImageProcessor", "do_resize": true, "size": {"shortest_edge": 32},
             "resample": 3, "do_center_crop": true, "crop_size": {"height": 32, "width": 32}, "do_rescale": true,
             "rescale_factor": 0.00392156862745098, "do_normalize": true, "do_convert_rgb": true,
             "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]}
            """;
    static final String DINO_CONFIG = """
            {"architectures": ["ViTModel"], "model_type": "vit", "likeness_untrained": true, "hidden_act": "gelu",
             "hidden_size": 32, "image_size": 32, "intermediate_size": 37, "layer_norm_eps": 1e-12,
             "num_attention_heads": 4, "num_channels": 3, "num_hidden_layers": 2, "patch_size": 8, "qkv_bias": true}
            """;
    static final String DINO_PREPROCESSOR = """
            {"image_processor_type": "ViTImageProcessor", "do_resize": true, "size": {"height": 32, "width": 32},
             "resample": 2, "do_rescale": true, "rescale_factor": 0.00392156862745098, "do_normalize": true,
             "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}
            """;
    private static final String TOKENIZER = "/dev/likeness/engine/random/tiny-tokenizer/";
    private static final List<String> TOKENIZER_FILES = List.of("vocab.json", "merges.txt", "tokenizer_config.json",
            "special_tokens_map.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RandomEncoders() {
    }

    /** The CLIP folder {@code <dir>/clip-<seed>}, written on first use. */
    public static Path clip(Path dir, long seed) throws IOException {
        return once(dir.resolve("clip-" + seed), target -> {
            JsonNode config = JSON.readTree(CLIP_CONFIG);
            try (NDManager manager = NDManager.newBaseManager()) {
                ClipModel model = new ClipModel(ClipConfig.fromJson(config, "random CLIP"));
                RandomInit.initialize(model, seed, manager);
                ModelWeights.save(model, target.resolve("model.safetensors"), "");
            }
            Files.writeString(target.resolve("config.json"), CLIP_CONFIG);
            Files.writeString(target.resolve("preprocessor_config.json"), CLIP_PREPROCESSOR);
            for (String f : TOKENIZER_FILES) {
                try (InputStream in = RandomEncoders.class.getResourceAsStream(TOKENIZER + f)) {
                    if (in == null) {
                        throw new IOException("bundled tokenizer file " + f + " is missing from the engine jar");
                    }
                    Files.copy(in, target.resolve(f));
                }
            }
        });
    }

    /** The DINO (ViT) folder {@code <dir>/dino-<seed>}, written on first use. */
    public static Path dino(Path dir, long seed) throws IOException {
        return once(dir.resolve("dino-" + seed), target -> {
            JsonNode config = JSON.readTree(DINO_CONFIG);
            try (NDManager manager = NDManager.newBaseManager()) {
                DinoVit model = new DinoVit(VitConfig.fromJson(config, "random DINO"));
                RandomInit.initialize(model, seed, manager);
                ModelWeights.save(model, target.resolve("model.safetensors"), "");
            }
            Files.writeString(target.resolve("config.json"), DINO_CONFIG);
            Files.writeString(target.resolve("preprocessor_config.json"), DINO_PREPROCESSOR);
        });
    }

    private interface Writer {
        void write(Path folder) throws IOException;
    }

    /** Writes into a temporary sibling and renames it, so a half-written folder is never used. */
    private static Path once(Path target, Writer writer) throws IOException {
        if (Files.isRegularFile(target.resolve("config.json"))) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // written by another thread meanwhile: same seed, same bytes
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve("config.json"))) {
                    throw e;
                }
            }
            return target;
        } finally {
            if (Files.exists(tmp)) {
                try (Stream<Path> walk = Files.walk(tmp)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
