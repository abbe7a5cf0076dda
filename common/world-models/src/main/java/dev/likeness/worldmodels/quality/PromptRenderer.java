package dev.likeness.worldmodels.quality;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.worldmodels.clip.ZeroShotClassifier;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Renders many different prompts with one model, {@link #BATCH} prompts per UNet batch, each image from its own
 * seeded noise: image {@code i} of a call starts from the noise of seed {@code seeds[i]}, whatever the batching, so
 * the base model and a fine-tuned one render the same prompt from the same noise.
 */
final class PromptRenderer {

    /** Prompts per generation call: classifier-free guidance doubles it in the UNet. */
    static final int BATCH = 16;

    private final StableDiffusionModel model;
    private final TextToImagePipeline pipeline;
    private final Sampling sampling;

    PromptRenderer(StableDiffusionModel model, Sampling sampling) {
        this.model = model;
        this.pipeline = new TextToImagePipeline(model);
        this.sampling = sampling;
    }

    /**
     * One {@code size × size} image per prompt.
     *
     * @param seeds one noise seed per prompt
     */
    List<RgbImage> render(List<String> prompts, long[] seeds) {
        if (prompts.size() != seeds.length) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + seeds.length + " seeds");
        }
        List<RgbImage> out = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += BATCH) {
            int end = Math.min(prompts.size(), start + BATCH);
            out.addAll(renderBatch(prompts.subList(start, end), Arrays.copyOfRange(seeds, start, end)));
        }
        return out;
    }

    /** {@code count} images of one prompt, seeds {@code firstSeed … firstSeed + count - 1}. */
    List<RgbImage> render(String prompt, int count, long firstSeed) {
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = firstSeed + i;
        }
        return render(Collections.nCopies(count, prompt), seeds);
    }

    private List<RgbImage> renderBatch(List<String> prompts, long[] seeds) {
        int n = prompts.size();
        int f = model.vaeScaleFactor();
        int latent = sampling.size() / f;
        int channels = model.unet().config().inChannels();
        // every array of the batch (prompt embeddings, noise, result) lives in this sub-manager
        try (NDManager m = model.manager().newSubManager()) {
            NDList cond = new NDList(n);
            for (String p : prompts) {
                NDArray e = pipeline.encodePrompt(p);
                e.attach(m);
                cond.add(e);
            }
            NDArray uncond = pipeline.encodePrompt("");
            uncond.attach(m);
            NDList noise = new NDList(n);
            for (long seed : seeds) {
                Engine.getInstance().setRandomSeed((int) seed);
                noise.add(m.randomNormal(0f, 1f, new Shape(1, channels, latent, latent), DataType.FLOAT32));
            }
            GenerationRequest req = GenerationRequest.builder(prompts.get(0))
                    .promptEmbeds(NDArrays.concat(cond, 0), uncond)
                    .initialLatents(NDArrays.concat(noise, 0))
                    .numImagesPerPrompt(n).size(sampling.size(), sampling.size()).steps(sampling.steps())
                    .guidanceScale(sampling.guidance()).scheduler(SchedulerType.DDIM).build();
            List<RgbImage> out = new ArrayList<>(n);
            try (GenerationResult r = pipeline.generate(req, m)) {
                for (BufferedImage img : Images.toBufferedImages(r.images())) {
                    out.add(ZeroShotClassifier.toMetricsImage(dev.likeness.world.image.RgbImage.of(img)));
                }
            }
            return out;
        }
    }
}
