package dev.likeness.worldmodels.base;

import dev.likeness.training.LearningRateScheduleKind;

/**
 * Hyper-parameters of base-model training. The whole random state of a run is {@code seed} and the step number, so a
 * run resumed from a checkpoint continues exactly.
 *
 * @param steps            total optimizer steps of the run (the learning-rate schedule spans them)
 * @param batchSize        samples per step
 * @param learningRate     AdamW peak learning rate
 * @param warmupSteps      linear warm-up steps
 * @param schedule         learning-rate schedule after the warm-up
 * @param weightDecay      AdamW decoupled weight decay
 * @param maxGradNorm      global gradient-norm clip
 * @param emaDecay         EMA decay of the exported weights (0 disables EMA; the decay warms up as
 *                         {@code min(emaDecay, (1 + step) / (10 + step))})
 * @param captions         caption dropout and shortening
 * @param poolSize         number of train-split images encoded once into the latent pool
 * @param checkpointEvery  steps between checkpoints (0: only at the end)
 * @param seed             seed of data order, captions, timesteps and noise, and of the random initialisation
 * @param dataSeed         world seed of the images
 */
public record BaseTrainingConfig(
        int steps,
        int batchSize,
        float learningRate,
        int warmupSteps,
        LearningRateScheduleKind schedule,
        float weightDecay,
        float maxGradNorm,
        float emaDecay,
        CaptionAugmentation captions,
        int poolSize,
        int checkpointEvery,
        long seed,
        long dataSeed) {

    public BaseTrainingConfig {
        if (steps < 1 || batchSize < 1 || poolSize < 1) {
            throw new IllegalArgumentException("steps, batch size and pool size must be >= 1, got " + steps + ", "
                    + batchSize + ", " + poolSize);
        }
        if (!(learningRate > 0) || warmupSteps < 0 || weightDecay < 0 || !(maxGradNorm > 0)) {
            throw new IllegalArgumentException("learning rate and max grad norm must be > 0, warm-up and weight decay"
                    + " >= 0, got " + learningRate + ", " + maxGradNorm + ", " + warmupSteps + ", " + weightDecay);
        }
        if (emaDecay < 0 || emaDecay >= 1) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
        }
    }

    /** The recipe of the shipped world-sd (steps are set per run). */
    public static BaseTrainingConfig defaults(int steps) {
        return new BaseTrainingConfig(steps, 32, 1e-3f, 200, LearningRateScheduleKind.COSINE, 1e-2f, 1f, 0.995f,
                CaptionAugmentation.defaults(), 24_000, 500, 8, 20260508L);
    }

    public BaseTrainingConfig withSteps(int n) {
        return new BaseTrainingConfig(n, batchSize, learningRate, warmupSteps, schedule, weightDecay, maxGradNorm,
                emaDecay, captions, poolSize, checkpointEvery, seed, dataSeed);
    }

    public BaseTrainingConfig withBatch(int batch, int pool) {
        return new BaseTrainingConfig(steps, batch, learningRate, warmupSteps, schedule, weightDecay, maxGradNorm,
                emaDecay, captions, pool, checkpointEvery, seed, dataSeed);
    }

    public BaseTrainingConfig withLearningRate(float lr, int warmup, LearningRateScheduleKind kind) {
        return new BaseTrainingConfig(steps, batchSize, lr, warmup, kind, weightDecay, maxGradNorm, emaDecay,
                captions, poolSize, checkpointEvery, seed, dataSeed);
    }

    public BaseTrainingConfig withCaptions(CaptionAugmentation augmentation) {
        return new BaseTrainingConfig(steps, batchSize, learningRate, warmupSteps, schedule, weightDecay, maxGradNorm,
                emaDecay, augmentation, poolSize, checkpointEvery, seed, dataSeed);
    }

    public BaseTrainingConfig withEma(float decay) {
        return new BaseTrainingConfig(steps, batchSize, learningRate, warmupSteps, schedule, weightDecay, maxGradNorm,
                decay, captions, poolSize, checkpointEvery, seed, dataSeed);
    }

    public BaseTrainingConfig withCheckpointEvery(int n) {
        return new BaseTrainingConfig(steps, batchSize, learningRate, warmupSteps, schedule, weightDecay, maxGradNorm,
                emaDecay, captions, poolSize, n, seed, dataSeed);
    }

    public BaseTrainingConfig withSeed(long s) {
        return new BaseTrainingConfig(steps, batchSize, learningRate, warmupSteps, schedule, weightDecay, maxGradNorm,
                emaDecay, captions, poolSize, checkpointEvery, s, dataSeed);
    }
}
