package dev.likeness.worldmodels.quality;

import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TrainingConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A fine-tuning run of the quality checks: method id of the training module ({@code svdiff}, {@code dreambooth}),
 * optimizer steps, learning rate, seed, whether the text encoder trains too (and at which rate: {@code null} = the
 * method's main rate), the prior-preservation weight λ, whether each photo trains on its own caption, the
 * learning-rate schedule and the batch size. Everything else is the training module's default.
 */
public record TuningRecipe(String method, int steps, float learningRate, long seed, boolean trainTextEncoder,
                           float priorWeight, Float textEncoderLearningRate, boolean photoCaptions,
                           LearningRateScheduleKind schedule, int batchSize) {

    /** A recipe with a frozen text encoder and prior-preservation weight λ = 1. */
    public TuningRecipe(String method, int steps, float learningRate, long seed) {
        this(method, steps, learningRate, seed, false, 1f);
    }

    /** A recipe whose text encoder, when trained, takes the main learning rate. */
    public TuningRecipe(String method, int steps, float learningRate, long seed, boolean trainTextEncoder,
                        float priorWeight) {
        this(method, steps, learningRate, seed, trainTextEncoder, priorWeight, null);
    }

    /** A recipe that trains every photo on the one instance prompt. */
    public TuningRecipe(String method, int steps, float learningRate, long seed, boolean trainTextEncoder,
                        float priorWeight, Float textEncoderLearningRate) {
        this(method, steps, learningRate, seed, trainTextEncoder, priorWeight, textEncoderLearningRate, false,
                LearningRateScheduleKind.CONSTANT, 1);
    }

    public TuningRecipe {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("a tuning recipe needs a method id");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1 but is " + steps);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0 but is " + learningRate);
        }
        if (!(priorWeight >= 0) || Float.isInfinite(priorWeight)) {
            throw new IllegalArgumentException("prior-preservation weight must be a finite number >= 0 but is "
                    + priorWeight);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("a tuning recipe needs a learning-rate schedule");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 but is " + batchSize);
        }
        if (textEncoderLearningRate != null && (!(textEncoderLearningRate > 0)
                || Float.isInfinite(textEncoderLearningRate))) {
            throw new IllegalArgumentException("text-encoder learning rate must be a finite number > 0 but is "
                    + textEncoderLearningRate);
        }
    }

    /**
     * SVDiff on the world at 32 px: 400 steps at 3e-2 (spectral shifts), each photo on its own caption. The rate was
     * chosen on the provisional world-sd (docs/world.md, quality bars): at 1e-2 the "sks" renders did not move
     * towards the subject (CLIP-I and DINO margins below 0), at 1e-1 the prompt context broke (CLIP-T −0.32). With
     * close-ups only and one instance prompt, 300 steps met bar 2 at two training seeds of 7–11 and the tuned model
     * drew the subject centred wherever the prompt placed it. With two of the five photos placed and every photo on
     * its caption (which names the place), 400 steps met it at four seeds and 300 at three (docs/world.md, "Close-ups
     * and placed photos").
     */
    public static TuningRecipe svdiff() {
        return new TuningRecipe("svdiff", 400, 3e-2f, 7).withPhotoCaptions(true);
    }

    /**
     * DreamBooth: 400 steps at 2e-4 for the whole UNet, the text encoder too at 5e-5. Measured on the shipped 16×16
     * world-sd with the close-up photos (docs/world.md): with a frozen text encoder the runs with prior preservation
     * did not learn the subject (200 × 2e-4, 400 × 1e-4, 400 × 2e-4, 800 × 1e-4: DINO of "a sks vase …" at or below
     * the base model's). The world text encoder never saw the identifier, so "a photo of sks vase" and the class
     * prompt "a photo of a vase" hardly differ for the UNet until the text encoder learns the identifier. At the
     * UNet's rate the text encoder also moves the class prompt: its renders drift away from the class (PRES 0.04–0.12
     * below the base model's at training seeds 7–9); at 5e-5 they stay within 0.06 of it and the subject is still
     * learnt at all three.
     */
    public static TuningRecipe dreambooth() {
        return new TuningRecipe("dreambooth", 400, 2e-4f, 7, true, 1f, 5e-5f);
    }

    public TuningRecipe withSteps(int newSteps) {
        return new TuningRecipe(method, newSteps, learningRate, seed, trainTextEncoder, priorWeight,
                textEncoderLearningRate, photoCaptions, schedule, batchSize);
    }

    /** The same run with another seed (noise, timesteps, data order): how much of a margin is this seed's. */
    public TuningRecipe withSeed(long newSeed) {
        return new TuningRecipe(method, steps, learningRate, newSeed, trainTextEncoder, priorWeight,
                textEncoderLearningRate, photoCaptions, schedule, batchSize);
    }

    public TuningRecipe withLearningRate(float lr) {
        return new TuningRecipe(method, steps, lr, seed, trainTextEncoder, priorWeight, textEncoderLearningRate,
                photoCaptions, schedule, batchSize);
    }

    /** The same run with the text encoder trained too (at {@link #textEncoderLearningRate}, else the main rate). */
    public TuningRecipe withTextEncoder(boolean train) {
        return new TuningRecipe(method, steps, learningRate, seed, train, priorWeight, textEncoderLearningRate,
                photoCaptions, schedule, batchSize);
    }

    /** The same run with the text encoder's own learning rate ({@code null}: the main rate). */
    public TuningRecipe withTextEncoderLearningRate(Float lr) {
        return new TuningRecipe(method, steps, learningRate, seed, trainTextEncoder, priorWeight, lr,
                photoCaptions, schedule, batchSize);
    }

    /** The same run with prior-preservation loss weight λ (used when there are class images). */
    public TuningRecipe withPriorWeight(float lambda) {
        return new TuningRecipe(method, steps, learningRate, seed, trainTextEncoder, lambda, textEncoderLearningRate,
                photoCaptions, schedule, batchSize);
    }

    /**
     * The same run with each photo trained on its own caption ("a sks vase on grass, in the center", the world's
     * caption of the photo with the identifier) instead of the one instance prompt.
     */
    public TuningRecipe withPhotoCaptions(boolean captions) {
        return new TuningRecipe(method, steps, learningRate, seed, trainTextEncoder, priorWeight,
                textEncoderLearningRate, captions, schedule, batchSize);
    }

    /** The same run with another learning-rate schedule (no warm-up; cosine and linear decay to 0). */
    public TuningRecipe withSchedule(LearningRateScheduleKind kind) {
        return new TuningRecipe(method, steps, learningRate, seed, trainTextEncoder, priorWeight,
                textEncoderLearningRate, photoCaptions, kind, batchSize);
    }

    /** The same run with {@code n} photos per step. */
    public TuningRecipe withBatchSize(int n) {
        return new TuningRecipe(method, steps, learningRate, seed, trainTextEncoder, priorWeight,
                textEncoderLearningRate, photoCaptions, schedule, n);
    }

    /** The instance prompt the runs train on, "a photo of sks vase" for identifier "sks" and class noun "vase". */
    static String instancePrompt(String identifier, String classNoun) {
        return "a photo of " + identifier + " " + classNoun;
    }

    /**
     * The training config: instance prompt {@code "a photo of {id} <noun>"} with the fixed identifier, at
     * {@code resolution}; with a class prompt, prior preservation on {@code classImages} images (weight
     * {@link #priorWeight}).
     */
    TrainingConfig config(Path baseFolder, String identifier, String classNoun, String classPrompt, int classImages,
                          int resolution, List<String> captions) {
        TrainingConfig.Builder b = TrainingConfig.builder(method).modelDir(baseFolder)
                .instancePrompt(instancePrompt("{id}", classNoun)).classNoun(classNoun).resolution(resolution)
                .maxSteps(steps).learningRate(learningRate).seed(seed).methodOption("identifier", identifier)
                .trainTextEncoder(trainTextEncoder).textEncoderLearningRate(textEncoderLearningRate)
                .instanceCaptions(photoCaptions ? captions : List.of()).lrSchedule(schedule).batchSize(batchSize);
        if (classPrompt != null) {
            b.classPrompt(classPrompt).numClassImages(classImages).priorLossWeight(priorWeight);
        }
        return b.build();
    }
}
