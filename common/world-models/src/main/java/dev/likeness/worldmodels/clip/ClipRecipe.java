package dev.likeness.worldmodels.clip;

import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.metrics.encoder.ClipConfig;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.tokenizer.WorldTokenizer;

/**
 * Everything that decides a world-CLIP training run: network size, data, optimizer and schedule. The defaults are the
 * shipped model's recipe.
 *
 * @param imageSize      input side in pixels (the world renders at this size)
 * @param patchSize      vision patch side ({@code (imageSize / patchSize)^2} patches plus a class token)
 * @param visionHidden   vision width
 * @param visionLayers   vision transformer layers
 * @param textHidden     text width
 * @param textLayers     text transformer layers
 * @param heads          attention heads of both towers
 * @param mlpRatio       MLP width as a multiple of the tower width
 * @param projectionDim  shared embedding size
 * @param poolSize       training-split images rendered once and sampled from
 * @param batchSize      image-caption pairs per step (the contrastive loss sees {@code batchSize²} pairs)
 * @param steps          total optimizer steps (the cosine schedule ends here)
 * @param warmupSteps    linear warm-up steps
 * @param learningRate   AdamW peak learning rate
 * @param weightDecay    AdamW decoupled weight decay of matrices (biases, norms, embeddings and the scale get none)
 * @param maxGradNorm    global gradient-norm clip
 * @param seed           weights, pool and sampling seed
 * @param dataSeed       world dataset seed
 * @param auxWeight      weight of the supervised attribute loss ({@link AttributeHeads}: class, colour and pattern of
 *                       the main object) added to the contrastive loss; 0 trains with contrast only
 */
public record ClipRecipe(int imageSize, int patchSize, int visionHidden, int visionLayers, int textHidden,
                         int textLayers, int heads, int mlpRatio, int projectionDim, int poolSize, int batchSize,
                         int steps, int warmupSteps, float learningRate, float weightDecay, float maxGradNorm,
                         long seed, long dataSeed, float auxWeight) {

    /** {@code ln(100)}: the learned temperature never exceeds a logit scale of 100 (CLIP's clamp). */
    public static final float MAX_LOG_SCALE = (float) Math.log(100);
    /** {@code ln(1 / 0.07)}: CLIP's initial temperature. */
    public static final float INITIAL_LOG_SCALE = (float) Math.log(1 / 0.07);
    /** Length of the text tower's position table (the tokenizer pads to it). */
    public static final int MAX_POSITIONS = 77;

    public ClipRecipe {
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be a positive multiple of the patch "
                    + "size " + patchSize);
        }
        if (visionHidden % heads != 0 || textHidden % heads != 0) {
            throw new IllegalArgumentException("widths " + visionHidden + "/" + textHidden + " must divide by "
                    + heads + " heads");
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("a contrastive batch needs at least 2 pairs, got " + batchSize);
        }
        if (!(auxWeight >= 0) || Float.isInfinite(auxWeight)) {
            throw new IllegalArgumentException("aux weight must be finite and >= 0, got " + auxWeight);
        }
        if (steps <= 0 || warmupSteps < 0 || poolSize <= 0) {
            throw new IllegalArgumentException("steps and pool size must be positive and warm-up >= 0, got steps="
                    + steps + " warmup=" + warmupSteps + " pool=" + poolSize);
        }
    }

    /**
     * The shipped recipe (see the bundle's TRAINING.md): 32 px, patch 4, width 128, 3 + 3 layers, projection 128,
     * 1300 steps of 128 pairs.
     */
    public static ClipRecipe defaults() {
        return new ClipRecipe(32, 4, 128, 3, 128, 3, 4, 2, 128, 20_000, 128, 1_300, 60, 1e-3f, 0.05f, 1f,
                20260508L, WorldConfig.DEFAULT_SEED, 0f);
    }

    public ClipRecipe withSteps(int newSteps) {
        return new ClipRecipe(imageSize, patchSize, visionHidden, visionLayers, textHidden, textLayers, heads,
                mlpRatio, projectionDim, poolSize, batchSize, newSteps, Math.min(warmupSteps, newSteps), learningRate,
                weightDecay, maxGradNorm, seed, dataSeed, auxWeight);
    }

    public ClipRecipe withData(int newPoolSize, int newBatchSize) {
        return new ClipRecipe(imageSize, patchSize, visionHidden, visionLayers, textHidden, textLayers, heads,
                mlpRatio, projectionDim, newPoolSize, newBatchSize, steps, warmupSteps, learningRate, weightDecay,
                maxGradNorm, seed, dataSeed, auxWeight);
    }

    public ClipRecipe withSize(int hidden, int visionLayerCount, int textLayerCount, int projection) {
        return new ClipRecipe(imageSize, patchSize, hidden, visionLayerCount, hidden, textLayerCount, heads, mlpRatio,
                projection, poolSize, batchSize, steps, warmupSteps, learningRate, weightDecay, maxGradNorm, seed,
                dataSeed, auxWeight);
    }

    public ClipRecipe withAuxWeight(float weight) {
        return new ClipRecipe(imageSize, patchSize, visionHidden, visionLayers, textHidden, textLayers, heads,
                mlpRatio, projectionDim, poolSize, batchSize, steps, warmupSteps, learningRate, weightDecay,
                maxGradNorm, seed, dataSeed, weight);
    }

    public ClipRecipe withLearningRate(float lr, int warmup) {
        return new ClipRecipe(imageSize, patchSize, visionHidden, visionLayers, textHidden, textLayers, heads,
                mlpRatio, projectionDim, poolSize, batchSize, steps, warmup, lr, weightDecay, maxGradNorm, seed,
                dataSeed, auxWeight);
    }

    /** The network this recipe trains, as the evaluator's {@link ClipConfig}. */
    public ClipConfig modelConfig() {
        ClipConfig.Vision vision = new ClipConfig.Vision(visionHidden, visionLayers, heads, visionHidden * mlpRatio,
                ActivationFunction.GELU, 1e-5f, imageSize, patchSize, 3);
        ClipTextConfig text = new ClipTextConfig(WorldTokenizer.DEFAULT_VOCAB_SIZE, textHidden, textHidden * mlpRatio,
                textLayers, heads, MAX_POSITIONS, "gelu", 1e-5, WorldTokenizer.DEFAULT_VOCAB_SIZE - 2,
                WorldTokenizer.DEFAULT_VOCAB_SIZE - 1, WorldTokenizer.DEFAULT_VOCAB_SIZE - 1, projectionDim);
        return new ClipConfig(vision, text, projectionDim, false);
    }

    /** The world this recipe trains on: the default world at {@link #imageSize} with {@link #dataSeed}. */
    public WorldConfig worldConfig() {
        return WorldConfig.defaults().withSeed(dataSeed).withImageSize(imageSize);
    }
}
