package dev.likeness.worldmodels.quality;

import dev.likeness.training.TrainingConfig;

import java.nio.file.Path;

/**
 * A fine-tuning run of the quality checks: method id of the training module ({@code svdiff}, {@code dreambooth}),
 * optimizer steps, learning rate and seed. Everything else is the training module's default (batch 1, constant
 * learning rate, frozen text encoder).
 */
public record TuningRecipe(String method, int steps, float learningRate, long seed) {

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
    }

    /** SVDiff as the README's main job runs it on the world at 32 px: 300 steps at 1e-2. */
    public static TuningRecipe svdiff() {
        return new TuningRecipe("svdiff", 300, 1e-2f, 7);
    }

    /** DreamBooth (whole UNet) as the main job's DreamBooth option: 200 steps at 5e-5. */
    public static TuningRecipe dreambooth() {
        return new TuningRecipe("dreambooth", 200, 5e-5f, 7);
    }

    public TuningRecipe withSteps(int newSteps) {
        return new TuningRecipe(method, newSteps, learningRate, seed);
    }

    public TuningRecipe withLearningRate(float lr) {
        return new TuningRecipe(method, steps, lr, seed);
    }

    /**
     * The training config: instance prompt {@code "a photo of {id} <noun>"} with the fixed identifier, at
     * {@code resolution}; with a class prompt, prior preservation on {@code classImages} images (weight 1).
     */
    TrainingConfig config(Path baseFolder, String identifier, String classNoun, String classPrompt, int classImages,
                          int resolution) {
        TrainingConfig.Builder b = TrainingConfig.builder(method).modelDir(baseFolder)
                .instancePrompt("a photo of {id} " + classNoun).classNoun(classNoun).resolution(resolution)
                .maxSteps(steps).learningRate(learningRate).seed(seed).methodOption("identifier", identifier);
        if (method.equals("svdiff")) {
            // as the trainer service maps a job's learning rate: SVDiff's spectral shifts take it
            b.spectralShiftLearningRate(learningRate);
        }
        if (classPrompt != null) {
            b.classPrompt(classPrompt).numClassImages(classImages).priorLossWeight(1f);
        }
        return b.build();
    }
}
