package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Training hyper-parameters. After {@code Messages} has read a job every common field but the optional
 * {@link #textEncoderLearningRate} is set, and
 * exactly the method's own block ({@link #textualInversion}, {@link #svdiff} or {@link #lora}) is
 * set; DreamBooth has no block of its own.
 *
 * @param steps                optimizer steps
 * @param learningRate         peak learning rate
 * @param batchSize            images per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param resolution           square training resolution in pixels, a multiple of 8
 * @param seed                 seed for noise, timesteps and data order
 * @param lrSchedule           learning-rate schedule
 * @param warmupSteps          linear warm-up steps (≤ steps)
 * @param maxGradNorm          global gradient-norm clip
 * @param mixedPrecision       precision of the frozen UNet weights
 * @param trainTextEncoder     whether the text encoder is fine-tuned too (DreamBooth, SVDiff, LoRA)
 * @param textEncoderLearningRate learning rate of the text encoder's trained parameters (DreamBooth: its weights,
 *                             SVDiff: its spectral shifts, LoRA: its adapters) when {@code trainTextEncoder} is
 *                             set; {@code null} = the same as {@code learningRate}. The text encoder usually wants a
 *                             gentler rate than the UNet: at the UNet's rate it can drift the class noun's meaning
 * @param checkpointEvery      steps between resumable checkpoints; 0 = only at the end
 * @param progressEvery        steps between progress events
 * @param textualInversion     Textual Inversion block
 * @param svdiff               SVDiff block
 * @param lora                 LoRA block
 */
@JsonPropertyOrder({"steps", "learningRate", "batchSize", "gradientAccumulation", "resolution", "seed",
        "lrSchedule", "warmupSteps", "maxGradNorm", "mixedPrecision", "trainTextEncoder", "textEncoderLearningRate",
        "checkpointEvery", "progressEvery", "textualInversion", "svdiff", "lora"})
public record HyperParameters(
        Integer steps,
        Double learningRate,
        Integer batchSize,
        Integer gradientAccumulation,
        Integer resolution,
        Long seed,
        LrSchedule lrSchedule,
        Integer warmupSteps,
        Double maxGradNorm,
        MixedPrecision mixedPrecision,
        Boolean trainTextEncoder,
        Double textEncoderLearningRate,
        Integer checkpointEvery,
        Integer progressEvery,
        TextualInversionParams textualInversion,
        SvdiffParams svdiff,
        LoraParams lora) {

    /** All fields unset: every one takes the method's default. */
    public static HyperParameters defaults() {
        return new HyperParameters(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** Copy with a different step count (tests and the CLI use this). */
    public HyperParameters withSteps(int newSteps) {
        return new HyperParameters(newSteps, learningRate, batchSize, gradientAccumulation, resolution, seed,
                lrSchedule, warmupSteps, maxGradNorm, mixedPrecision, trainTextEncoder, textEncoderLearningRate,
                checkpointEvery, progressEvery, textualInversion, svdiff, lora);
    }

    /** Copy with a different learning rate. */
    public HyperParameters withLearningRate(double newLearningRate) {
        return new HyperParameters(steps, newLearningRate, batchSize, gradientAccumulation, resolution, seed,
                lrSchedule, warmupSteps, maxGradNorm, mixedPrecision, trainTextEncoder, textEncoderLearningRate,
                checkpointEvery, progressEvery, textualInversion, svdiff, lora);
    }

    /** Copy with a different resolution. */
    public HyperParameters withResolution(int newResolution) {
        return new HyperParameters(steps, learningRate, batchSize, gradientAccumulation, newResolution, seed,
                lrSchedule, warmupSteps, maxGradNorm, mixedPrecision, trainTextEncoder, textEncoderLearningRate,
                checkpointEvery, progressEvery, textualInversion, svdiff, lora);
    }

    /** Copy with a different text-encoder learning rate ({@code null} = the same as {@link #learningRate}). */
    public HyperParameters withTextEncoderLearningRate(Double newRate) {
        return new HyperParameters(steps, learningRate, batchSize, gradientAccumulation, resolution, seed,
                lrSchedule, warmupSteps, maxGradNorm, mixedPrecision, trainTextEncoder, newRate, checkpointEvery,
                progressEvery, textualInversion, svdiff, lora);
    }

    /** The rate the text encoder trains at: {@link #textEncoderLearningRate} when set, else {@link #learningRate}. */
    @JsonIgnore
    public Double effectiveTextEncoderLearningRate() {
        return textEncoderLearningRate != null ? textEncoderLearningRate : learningRate;
    }
}
