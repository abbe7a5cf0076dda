package dev.likeness.evaluator.encoders;

import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.preprocess.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stand-in encoders: deterministic, loadable by the metrics module, and flagged untrained. */
class RandomEncodersTest {

    @Test
    void theSameSeedWritesTheSameBytesAndTheEncodersSayTheyAreUntrained(@TempDir Path a, @TempDir Path b)
            throws Exception {
        Path clip = RandomEncoders.clip(a, 5);
        Path dino = RandomEncoders.dino(a, 6);
        assertThat(Files.readAllBytes(clip.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(RandomEncoders.clip(b, 5).resolve("model.safetensors")));
        assertThat(Files.readAllBytes(dino.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(RandomEncoders.dino(b, 6).resolve("model.safetensors")));
        assertThat(Files.readAllBytes(RandomEncoders.clip(b, 8).resolve("model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(clip.resolve("model.safetensors")));
        // a second call finds the folder and does not rewrite it
        long written = Files.getLastModifiedTime(clip.resolve("model.safetensors")).toMillis();
        assertThat(RandomEncoders.clip(a, 5)).isEqualTo(clip);
        assertThat(Files.getLastModifiedTime(clip.resolve("model.safetensors")).toMillis()).isEqualTo(written);

        RgbImage grey = new RgbImage(40, 40, new byte[40 * 40 * 3]);
        try (ClipEmbedder c = ClipEmbedder.load(clip, 4, false); DinoEmbedder d = DinoEmbedder.load(dino, 4, false)) {
            assertThat(c.info().untrained()).isTrue();
            assertThat(d.info().untrained()).isTrue();
            assertThat(c.embed(List.of(grey))[0]).hasSize(16);
            assertThat(c.embedTexts(List.of("a photo of a vase"))[0]).hasSize(16);
            assertThat(d.embed(List.of(grey))[0]).hasSize(32);
        }
    }
}
