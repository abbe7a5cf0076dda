package dev.likeness.engine.random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.clip.ClipTextOutput;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TinyModelGeneratorTest {

    private static final List<String> FILES = List.of("model_index.json", "unet/config.json",
            "unet/diffusion_pytorch_model.safetensors", "vae/config.json", "vae/diffusion_pytorch_model.safetensors",
            "text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/vocab.json",
            "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
            "scheduler/scheduler_config.json");

    @Test
    void sameSeedGivesIdenticalFoldersAndAnotherSeedDifferentWeights(@TempDir Path dir) throws Exception {
        Path a = TinyModelGenerator.write(dir.resolve("a"), TinyModelGenerator.tinySd(), 7);
        Path b = TinyModelGenerator.write(dir.resolve("b"), TinyModelGenerator.tinySd(), 7);
        Path c = TinyModelGenerator.write(dir.resolve("c"), TinyModelGenerator.tinySd(), 8);
        for (String f : FILES) {
            assertThat(a.resolve(f)).as(f).exists();
            assertThat(Files.readAllBytes(a.resolve(f))).as(f).isEqualTo(Files.readAllBytes(b.resolve(f)));
        }
        assertThat(Files.readAllBytes(a.resolve("unet/diffusion_pytorch_model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(c.resolve("unet/diffusion_pytorch_model.safetensors")));
    }

    @Test
    void tinySdConfigsMatchTheGoldenFolder(@TempDir Path dir) throws Exception {
        Path out = TinyModelGenerator.write(dir.resolve("m"), TinyModelGenerator.tinySd(), 1);
        Path golden = Golden.path("tiny-sd");
        for (String f : List.of("unet/config.json", "vae/config.json", "text_encoder/config.json",
                "scheduler/scheduler_config.json", "model_index.json")) {
            var expected = dev.likeness.engine.model.JsonConfig.JSON.readTree(golden.resolve(f).toFile());
            var actual = dev.likeness.engine.model.JsonConfig.JSON.readTree(out.resolve(f).toFile());
            // every field we write has the golden value (the golden files carry a few more, all defaults)
            actual.fieldNames().forEachRemaining(k -> {
                if (!k.equals("_diffusers_version") && !k.equals("transformers_version")
                        && expected.has(k)) {
                    if (actual.get(k).isNumber()) {
                        assertThat(actual.get(k).asDouble()).as(f + " " + k).isEqualTo(expected.get(k).asDouble());
                    } else {
                        assertThat(actual.get(k)).as(f + " " + k).isEqualTo(expected.get(k));
                    }
                }
            });
        }
        for (String f : List.of("tokenizer/vocab.json", "tokenizer/merges.txt")) {
            assertThat(Files.readAllBytes(out.resolve(f))).isEqualTo(Files.readAllBytes(golden.resolve(f)));
        }
    }

    @Test
    void generatedFolderLoadsStrictlyAndRuns(@TempDir Path dir) {
        Path out = TinyModelGenerator.write(dir.resolve("m"), TinyModelGenerator.tinySd(), 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(out.resolve("unet"), manager);
            AutoencoderKL vae = AutoencoderKL.load(out.resolve("vae"), manager);
            ClipTextModel text = ClipTextModel.load(out.resolve("text_encoder"), manager);
            assertThat(unet.parameterCount()).isEqualTo(1_427_012L);
            assertThat(vae.parameterCount()).isEqualTo(658_375L);
            assertThat(text.parameterCount()).isEqualTo(68_473L);
            try (NDManager step = manager.newSubManager()) {
                NDArray ids = step.create(new long[][] {{998, 320, 79, 999, 999, 999}});
                try (ClipTextOutput emb = text.forward(ids)) {
                    NDArray latents = step.randomNormal(new Shape(1, 4, 8, 8));
                    NDArray eps = unet.forward(latents, step.create(500L), emb.lastHiddenState());
                    assertThat(eps.getShape()).isEqualTo(new Shape(1, 4, 8, 8));
                    assertThat(eps.isNaN().any().getBoolean()).isFalse();
                    NDArray image = vae.decode(latents);
                    assertThat(image.getShape()).isEqualTo(new Shape(1, 3, 16, 16));
                    assertThat(image.isInfinite().any().getBoolean()).isFalse();
                }
            }
        }
    }
}
