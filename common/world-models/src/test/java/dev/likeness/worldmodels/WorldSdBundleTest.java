package dev.likeness.worldmodels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped world-sd: extracts, loads with the engine, and follows colour words. */
class WorldSdBundleTest {

    @TempDir
    Path dir;

    @Test
    void unknownNamesAreRejected() {
        assertThatThrownBy(() -> WorldModels.isBundled("sd-1.5")).hasMessageContaining("world-sd");
        assertThatThrownBy(() -> WorldModels.extract("sd-1.5", dir)).hasMessageContaining("unknown");
    }

    @Test
    void worldSdIsBundledSmallAndFollowsColourWords() throws IOException {
        assertThat(WorldModels.isBundled(WorldModels.WORLD_SD)).isTrue();
        Path folder = WorldModels.extract(WorldModels.WORLD_SD, dir.resolve("world-sd"));
        assertThat(folder.resolve("unet/diffusion_pytorch_model.safetensors")).exists();
        try (StableDiffusionModel model = StableDiffusionModel.load(folder);
             NDManager m = model.manager().newSubManager()) {
            assertThat(model.defaultImageSize()).isEqualTo(32);
            TextToImagePipeline pipeline = new TextToImagePipeline(model);
            float red = redMinusBlue(pipeline, "a large red ball on snow, in the center", m);
            float blue = redMinusBlue(pipeline, "a large blue ball on snow, in the center", m);
            // on white snow the object's pixels are the saturated ones: red for the red prompt, blue for the blue one
            assertThat(red).isGreaterThan(0.3f);
            assertThat(blue).isLessThan(-0.25f);
        }
    }

    /**
     * Mean of R − B over the 10 % most saturated pixels (max − min channel) of 4 renders (DDIM 20 steps,
     * guidance 5): the object's colour, not the background's.
     */
    private static float redMinusBlue(TextToImagePipeline pipeline, String prompt, NDManager m) {
        GenerationRequest req = GenerationRequest.builder(prompt).numImagesPerPrompt(4).steps(20).guidanceScale(5f)
                .scheduler(SchedulerType.DDIM).seed(3L).build();
        try (GenerationResult r = pipeline.generate(req, m)) {
            NDArray images = r.images();
            int n = (int) images.getShape().get(0);
            int plane = (int) (images.getShape().get(2) * images.getShape().get(3));
            float[] px = images.toFloatArray();
            List<float[]> pixels = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < plane; i++) {
                    float red = px[(b * 3) * plane + i];
                    float green = px[(b * 3 + 1) * plane + i];
                    float blue = px[(b * 3 + 2) * plane + i];
                    float sat = Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue));
                    pixels.add(new float[] {sat, red - blue});
                }
            }
            pixels.sort(Comparator.comparingDouble(p -> -p[0]));
            int top = pixels.size() / 10;
            double sum = 0;
            for (int i = 0; i < top; i++) {
                sum += pixels.get(i)[1];
            }
            float value = (float) (sum / top);
            System.out.printf("%s: R-B of the most saturated pixels %.3f%n", prompt, value);
            return value;
        }
    }
}
