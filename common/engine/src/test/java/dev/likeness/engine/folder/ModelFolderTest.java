package dev.likeness.engine.folder;

import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFolderTest {

    @Test
    void readsTinySdComponents() throws IOException {
        ModelFolder f = ModelFolder.open(Golden.path("tiny-sd"));
        assertThat(f.pipelineClass()).isEqualTo("StableDiffusionPipeline");
        assertThat(f.components()).containsKeys("unet", "vae", "text_encoder", "tokenizer", "scheduler")
                .doesNotContainKeys("safety_checker", "feature_extractor");
        assertThat(f.components().get("unet").className()).isEqualTo("UNet2DConditionModel");
        assertThat(f.weights("text_encoder").getFileName().toString()).isEqualTo("model.safetensors");
    }

    @Test
    void namesMissingPieces(@TempDir Path tmp) throws IOException {
        Path copy = tmp.resolve("model");
        copyTree(Golden.path("tiny-sd"), copy);
        Files.delete(copy.resolve("vae/diffusion_pytorch_model.safetensors"));
        Files.delete(copy.resolve("tokenizer/merges.txt"));
        assertThatThrownBy(() -> ModelFolder.open(copy))
                .hasMessageContaining("'vae/diffusion_pytorch_model.safetensors' is missing")
                .hasMessageContaining("'tokenizer/merges.txt' is missing");
        Files.delete(copy.resolve("model_index.json"));
        assertThatThrownBy(() -> ModelFolder.open(copy)).hasMessageContaining("no model_index.json");
        assertThatThrownBy(() -> ModelFolder.open(tmp.resolve("nope"))).hasMessageContaining("does not exist");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
