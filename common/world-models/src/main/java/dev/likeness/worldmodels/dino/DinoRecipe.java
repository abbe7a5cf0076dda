package dev.likeness.worldmodels.dino;

import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.metrics.encoder.VitConfig;
import dev.likeness.world.dataset.WorldConfig;

/**
 * Architecture and optimisation settings of the world DINO-style encoder: a ViT at 32×32 (patch 4, 64 patches + CLS)
 * trained from random init with a supervised contrastive loss over {@link Identity identities} on its CLS embedding.
 *
 * @param identitiesPerBatch distinct identities per step; each contributes two views, so the batch is twice this
 * @param temperature        softmax temperature of both losses on cosine similarities
 * @param prototypeWeight    weight of {@link PrototypeLoss} next to {@link SupConLoss} (0: contrast only)
 * @param poolViews          rendered views kept per identity
 * @param refreshPerStep     pool slots re-rendered after each step
 */
public record DinoRecipe(int imageSize, int patchSize, int hidden, int layers, int heads, int intermediate,
                         int identitiesPerBatch, float temperature, float prototypeWeight, float learningRate,
                         float weightDecay, int warmupSteps, int steps, float maxGradNorm,
                         double secondObjectProbability, int poolViews, int refreshPerStep, long seed) {

    public DinoRecipe {
        if (identitiesPerBatch < 2) {
            throw new IllegalArgumentException("need at least 2 identities per batch (negatives), got "
                    + identitiesPerBatch);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (!(prototypeWeight >= 0)) {
            throw new IllegalArgumentException("prototype loss weight must be >= 0, got " + prototypeWeight);
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        architecture(imageSize, patchSize, hidden, layers, heads, intermediate); // validates the shape
    }

    /** The shipped recipe. */
    public static DinoRecipe world() {
        return new DinoRecipe(32, 4, 128, 4, 4, 512, 32, 0.1f, 1f, 1e-3f, 0.05f, 50, 1400, 1f, 0.3, 16, 16,
                WorldConfig.DEFAULT_SEED);
    }

    /** The ViT configuration (what {@code config.json} says). */
    public VitConfig vitConfig() {
        return architecture(imageSize, patchSize, hidden, layers, heads, intermediate);
    }

    private static VitConfig architecture(int imageSize, int patchSize, int hidden, int layers, int heads,
                                          int intermediate) {
        return new VitConfig(hidden, layers, heads, intermediate, ActivationFunction.fromName("gelu"), 1e-6f,
                imageSize, patchSize, 3, true, false);
    }

    public int batchSize() {
        return 2 * identitiesPerBatch;
    }

    public DinoRecipe withSteps(int n) {
        return new DinoRecipe(imageSize, patchSize, hidden, layers, heads, intermediate, identitiesPerBatch,
                temperature, prototypeWeight, learningRate, weightDecay, warmupSteps, n, maxGradNorm,
                secondObjectProbability, poolViews, refreshPerStep, seed);
    }

    public DinoRecipe withBatch(int identities) {
        return new DinoRecipe(imageSize, patchSize, hidden, layers, heads, intermediate, identities, temperature,
                prototypeWeight, learningRate, weightDecay, warmupSteps, steps, maxGradNorm, secondObjectProbability,
                poolViews, refreshPerStep, seed);
    }

    public DinoRecipe withLearningRate(float lr, int warmup) {
        return new DinoRecipe(imageSize, patchSize, hidden, layers, heads, intermediate, identitiesPerBatch,
                temperature, prototypeWeight, lr, weightDecay, warmup, steps, maxGradNorm, secondObjectProbability,
                poolViews, refreshPerStep, seed);
    }

    public DinoRecipe withArchitecture(int newHidden, int newLayers, int newHeads) {
        return new DinoRecipe(imageSize, patchSize, newHidden, newLayers, newHeads, 4 * newHidden, identitiesPerBatch,
                temperature, prototypeWeight, learningRate, weightDecay, warmupSteps, steps, maxGradNorm,
                secondObjectProbability, poolViews, refreshPerStep, seed);
    }

    public DinoRecipe withPool(int views, int refresh) {
        return new DinoRecipe(imageSize, patchSize, hidden, layers, heads, intermediate, identitiesPerBatch,
                temperature, prototypeWeight, learningRate, weightDecay, warmupSteps, steps, maxGradNorm,
                secondObjectProbability, views, refresh, seed);
    }

    public DinoRecipe withPrototypeWeight(float weight) {
        return new DinoRecipe(imageSize, patchSize, hidden, layers, heads, intermediate, identitiesPerBatch,
                temperature, weight, learningRate, weightDecay, warmupSteps, steps, maxGradNorm,
                secondObjectProbability, poolViews, refreshPerStep, seed);
    }

    public DinoRecipe withSeed(long newSeed) {
        return new DinoRecipe(imageSize, patchSize, hidden, layers, heads, intermediate, identitiesPerBatch,
                temperature, prototypeWeight, learningRate, weightDecay, warmupSteps, steps, maxGradNorm,
                secondObjectProbability, poolViews, refreshPerStep, newSeed);
    }
}
