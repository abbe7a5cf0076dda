package dev.likeness.worldmodels.quality;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.worldmodels.clip.ZeroShotClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batched renderer on a tiny random model: each image is what the pipeline makes for its prompt and seed. */
class PromptRendererTest {

    private static final Sampling FAST = new Sampling(3, 5f, 32);

    @TempDir
    Path dir;

    @Test
    void batchedRendersEqualOnePromptAtATime() throws IOException {
        Path folder = TinyModelGenerator.write(dir.resolve("tiny"), TinyModelGenerator.tinySd(), 0);
        List<String> prompts = List.of("a red ball on grass", "a blue cube", "a red ball on grass");
        long[] seeds = {5, 6, 7};
        try (StableDiffusionModel model = StableDiffusionModel.load(folder)) {
            List<RgbImage> batched = new PromptRenderer(model, FAST).render(prompts, seeds);
            assertThat(batched).hasSize(3);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(batched.get(i)).as("image %d", i).isEqualTo(alone(model, prompts.get(i), seeds[i]));
            }
            // same prompt, other seed: other noise
            assertThat(batched.get(2)).isNotEqualTo(batched.get(0));
            assertThat(new PromptRenderer(model, FAST).render("a blue cube", 2, 6)).first().isEqualTo(batched.get(1));
        }
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> new PromptRenderer(null, FAST).render(List.of("a"), new long[2]))
                .hasMessageContaining("1 prompts but 2 seeds");
        assertThatThrownBy(() -> new Sampling(0, 5f, 32)).hasMessageContaining("steps");
        assertThatThrownBy(() -> new Sampling(25, 0.5f, 32)).hasMessageContaining("guidance");
        assertThatThrownBy(() -> new Sampling(25, 5f, 30)).hasMessageContaining("multiple of 8");
    }

    private static RgbImage alone(StableDiffusionModel model, String prompt, long seed) {
        GenerationRequest req = GenerationRequest.builder(prompt).numImagesPerPrompt(1).size(32, 32)
                .steps(FAST.steps()).guidanceScale(FAST.guidance()).scheduler(SchedulerType.DDIM).seed(seed).build();
        try (NDManager m = model.manager().newSubManager(); GenerationResult r = new TextToImagePipeline(model)
                .generate(req, m)) {
            return ZeroShotClassifier.toMetricsImage(dev.likeness.world.image.RgbImage.of(
                    Images.toBufferedImages(r.images()).get(0)));
        }
    }
}
