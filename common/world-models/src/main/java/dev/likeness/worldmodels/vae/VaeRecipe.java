package dev.likeness.worldmodels.vae;

import dev.likeness.engine.model.vae.VaeConfig;

import java.util.List;

/**
 * How the world VAE is trained: architecture and optimisation settings. The loss is
 * {@code L1 + mseWeight · MSE + klWeight · KL} on the decoded posterior sample (L1 and MSE are per-pixel means over
 * [-1, 1] images; KL is diffusers' {@code DiagonalGaussianDistribution.kl()}: summed per image, averaged over the
 * batch). AdamW with linear warm-up and cosine decay to 0 at {@code steps}.
 *
 * @param blockOutChannels encoder/decoder widths; {@code n} blocks give a downscale factor of {@code 2^(n-1)}
 * @param normNumGroups    group-norm groups; must divide every width
 * @param latentChannels   latent channels (4, as Stable Diffusion)
 * @param midAttention     whether the mid blocks carry diffusers' single-head spatial attention
 * @param imageSize        training image side in pixels
 * @param steps            total optimizer steps (the cosine schedule's length)
 * @param objectWeight     reconstruction weight of object pixels relative to background pixels (1 = plain means).
 *                         Objects cover a few percent of a world image; with plain means the VAE learns the
 *                         backgrounds and smears the objects (class and even colour lost)
 */
public record VaeRecipe(List<Integer> blockOutChannels, int normNumGroups, int latentChannels, boolean midAttention,
                        int imageSize, int batchSize, int steps, float learningRate, int warmupSteps,
                        float weightDecay, float klWeight, float mseWeight, float maxGradNorm, long seed,
                        float objectWeight) {

    public VaeRecipe {
        blockOutChannels = List.copyOf(blockOutChannels);
        if (batchSize <= 0 || steps <= 0 || imageSize <= 0) {
            throw new IllegalArgumentException("VAE recipe: batch size, steps and image size must be positive, got "
                    + batchSize + ", " + steps + ", " + imageSize);
        }
        if (!(objectWeight >= 1)) {
            throw new IllegalArgumentException("VAE recipe: object weight must be >= 1 (1 = every pixel alike), got "
                    + objectWeight);
        }
        if (!(learningRate > 0) || warmupSteps < 0 || klWeight < 0 || mseWeight < 0) {
            throw new IllegalArgumentException("VAE recipe: learning rate must be > 0 and warm-up, KL and MSE weights"
                    + " >= 0");
        }
        int factor = 1 << (blockOutChannels.size() - 1);
        if (imageSize % factor != 0) {
            throw new IllegalArgumentException("VAE recipe: image size " + imageSize
                    + " is not divisible by the downscale factor " + factor);
        }
    }

    /**
     * The first world VAE's recipe, 32×32×3 → 8×8×4. The shipped VAE is this with {@code --channels 32,64
     * --object-weight 10 --generic-marks 0.3} (factor 2; {@code bundle/world-sd/vae/TRAINING.md}).
     */
    public static VaeRecipe world() {
        return new VaeRecipe(List.of(32, 64, 64), 16, 4, true, 32, 16, 2000, 1e-3f, 100, 0f, 1e-6f, 1f, 1f, 20260508L,
                1f);
    }

    public VaeRecipe withSteps(int newSteps) {
        return new VaeRecipe(blockOutChannels, normNumGroups, latentChannels, midAttention, imageSize, batchSize,
                newSteps, learningRate, warmupSteps, weightDecay, klWeight, mseWeight, maxGradNorm, seed, objectWeight);
    }

    public VaeRecipe withBatchSize(int newBatch) {
        return new VaeRecipe(blockOutChannels, normNumGroups, latentChannels, midAttention, imageSize, newBatch,
                steps, learningRate, warmupSteps, weightDecay, klWeight, mseWeight, maxGradNorm, seed, objectWeight);
    }

    public VaeRecipe withArchitecture(List<Integer> channels, int groups) {
        return new VaeRecipe(channels, groups, latentChannels, midAttention, imageSize, batchSize, steps,
                learningRate, warmupSteps, weightDecay, klWeight, mseWeight, maxGradNorm, seed, objectWeight);
    }

    public VaeRecipe withLearningRate(float lr, int warmup) {
        return new VaeRecipe(blockOutChannels, normNumGroups, latentChannels, midAttention, imageSize, batchSize,
                steps, lr, warmup, weightDecay, klWeight, mseWeight, maxGradNorm, seed, objectWeight);
    }

    public VaeRecipe withSeed(long newSeed) {
        return new VaeRecipe(blockOutChannels, normNumGroups, latentChannels, midAttention, imageSize, batchSize,
                steps, learningRate, warmupSteps, weightDecay, klWeight, mseWeight, maxGradNorm, newSeed, objectWeight);
    }

    /** Weights object pixels {@code w}× in the reconstruction loss (see {@link VaeTrainer}). */
    public VaeRecipe withObjectWeight(float w) {
        return new VaeRecipe(blockOutChannels, normNumGroups, latentChannels, midAttention, imageSize, batchSize,
                steps, learningRate, warmupSteps, weightDecay, klWeight, mseWeight, maxGradNorm, seed, w);
    }

    /** The diffusers config this recipe trains, with the given scaling factor. */
    public VaeConfig config(double scalingFactor) {
        int n = blockOutChannels.size();
        return new VaeConfig(3, 3, java.util.Collections.nCopies(n, "DownEncoderBlock2D"),
                java.util.Collections.nCopies(n, "UpDecoderBlock2D"), blockOutChannels, 1, "silu", latentChannels,
                normNumGroups, imageSize, scalingFactor, true, true, midAttention);
    }
}
