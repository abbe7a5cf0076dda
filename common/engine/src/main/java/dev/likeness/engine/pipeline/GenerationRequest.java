package dev.likeness.engine.pipeline;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.scheduler.SchedulerType;

/**
 * What to generate. Build with {@link #builder(String)}; unset sizes default to the model's native size, an unset
 * scheduler to the model folder's.
 *
 * @param prompt                text prompt (ignored when {@code promptEmbeds} is given)
 * @param negativePrompt        what to steer away from under classifier-free guidance ("" = unconditional)
 * @param numImagesPerPrompt    batch size
 * @param height                pixels, multiple of the VAE scale factor; 0 = model default
 * @param width                 pixels, multiple of the VAE scale factor; 0 = model default
 * @param steps                 number of denoising steps
 * @param guidanceScale         classifier-free guidance weight; ≤ 1 disables guidance (one UNet batch)
 * @param scheduler             sampler; null = the folder's scheduler_config.json class
 * @param eta                   DDIM η (0 = deterministic)
 * @param seed                  seeds the engine's generator before drawing noise; null = not reseeded
 * @param initialLatents        {@code [batch, 4, h, w]} starting noise (unscaled, as diffusers' {@code latents=});
 *                              null = drawn
 * @param initImage             image-to-image source {@code [1 or batch, 3, height, width]} in [0, 1]; null = text
 *                              to image
 * @param strength              image-to-image: fraction of the schedule re-noised (1 = ignore the image)
 * @param promptEmbeds          {@code [1 or batch, 77, dim]} precomputed text embeddings (skips the text encoder)
 * @param negativePromptEmbeds  as {@code promptEmbeds} for the negative prompt
 * @param callback              per-step progress
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        int numImagesPerPrompt,
        int height,
        int width,
        int steps,
        float guidanceScale,
        SchedulerType scheduler,
        float eta,
        Long seed,
        NDArray initialLatents,
        NDArray initImage,
        float strength,
        NDArray promptEmbeds,
        NDArray negativePromptEmbeds,
        StepCallback callback) {

    public GenerationRequest {
        if (numImagesPerPrompt < 1) {
            throw new IllegalArgumentException("numImagesPerPrompt must be >= 1, got " + numImagesPerPrompt);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("height/width must be positive, got " + height + "x" + width);
        }
        if (strength <= 0 || strength > 1) {
            throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        }
        if (prompt == null && promptEmbeds == null) {
            throw new IllegalArgumentException("a prompt (or prompt embeddings) is required");
        }
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        callback = callback == null ? StepCallback.NONE : callback;
    }

    public boolean guided() {
        return guidanceScale > 1f;
    }

    public static Builder builder(String prompt) {
        return new Builder(prompt);
    }

    /** Fluent construction with diffusers' defaults (50 steps in diffusers; 20 here, guidance 7.5). */
    public static final class Builder {
        private String prompt;
        private String negativePrompt = "";
        private int numImagesPerPrompt = 1;
        private int height;
        private int width;
        private int steps = 20;
        private float guidanceScale = 7.5f;
        private SchedulerType scheduler;
        private float eta;
        private Long seed;
        private NDArray initialLatents;
        private NDArray initImage;
        private float strength = 0.8f;
        private NDArray promptEmbeds;
        private NDArray negativePromptEmbeds;
        private StepCallback callback;

        private Builder(String prompt) {
            this.prompt = prompt;
        }

        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        public Builder numImagesPerPrompt(int v) {
            numImagesPerPrompt = v;
            return this;
        }

        public Builder size(int h, int w) {
            height = h;
            width = w;
            return this;
        }

        public Builder steps(int v) {
            steps = v;
            return this;
        }

        public Builder guidanceScale(float v) {
            guidanceScale = v;
            return this;
        }

        public Builder scheduler(SchedulerType v) {
            scheduler = v;
            return this;
        }

        public Builder eta(float v) {
            eta = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder initialLatents(NDArray v) {
            initialLatents = v;
            return this;
        }

        public Builder initImage(NDArray image01, float strength) {
            initImage = image01;
            this.strength = strength;
            return this;
        }

        public Builder promptEmbeds(NDArray cond, NDArray uncond) {
            promptEmbeds = cond;
            negativePromptEmbeds = uncond;
            return this;
        }

        public Builder callback(StepCallback v) {
            callback = v;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(prompt, negativePrompt, numImagesPerPrompt, height, width, steps,
                    guidanceScale, scheduler, eta, seed, initialLatents, initImage, strength, promptEmbeds,
                    negativePromptEmbeds, callback);
        }
    }
}
