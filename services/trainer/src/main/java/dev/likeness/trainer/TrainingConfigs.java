package dev.likeness.trainer;

import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.method.dreambooth.DreamBooth;

import java.nio.file.Path;

/** Translates a job's hyper-parameters into the training library's {@link TrainingConfig}. */
final class TrainingConfigs {

    private TrainingConfigs() {
    }

    /**
     * The config for {@code job}. Checkpoints are driven by the stage (to the object store), so the loop's own
     * checkpointing is off.
     *
     * @param classImages local folder of class images, or {@code null} without prior preservation
     */
    static TrainingConfig of(PersonalizationJob job, Path instanceImages, Path classImages) {
        HyperParameters hp = job.hyperParameters();
        TrainingConfig.Builder b = TrainingConfig.builder(job.method().wire())
                .instanceImages(instanceImages)
                .instancePrompt(libraryPrompt(job, job.instancePrompt()))
                .instanceCaptions(job.instanceCaptions() == null ? null
                        : job.instanceCaptions().stream().map(c -> libraryPrompt(job, c)).toList())
                .classNoun(job.classNoun())
                .resolution(hp.resolution())
                .maxSteps(hp.steps())
                .batchSize(hp.batchSize())
                .gradientAccumulation(hp.gradientAccumulation())
                .seed(hp.seed())
                .learningRate(hp.learningRate().floatValue())
                .lrSchedule(LearningRateScheduleKind.fromId(hp.lrSchedule().wire()))
                .lrWarmupSteps(hp.warmupSteps())
                .maxGradNorm(hp.maxGradNorm().floatValue())
                .trainTextEncoder(hp.trainTextEncoder())
                .textEncoderLearningRate(hp.textEncoderLearningRate() == null ? null
                        : hp.textEncoderLearningRate().floatValue())
                .checkpointEvery(0);
        if (job.identifier() != null) {
            b.methodOption(DreamBooth.OPTION_IDENTIFIER, job.identifier());
        }
        if (classImages != null) {
            b.classPrompt(job.priorPreservation().classPrompt())
                    .classImages(classImages)
                    .numClassImages(job.priorPreservation().numClassImages())
                    .priorLossWeight(job.priorPreservation().lambda().floatValue());
        }
        switch (job.method()) {
            case LORA -> b.loraRank(hp.lora().rank()).loraAlpha(hp.lora().alpha().floatValue());
            case TEXTUAL_INVERSION -> {
                if (job.identifier() != null) {
                    // Textual Inversion's identifier is the new token it learns (it must not be in the vocabulary)
                    b.placeholderToken(job.identifier());
                }
                b.numVectors(hp.textualInversion().numVectors());
                if (hp.textualInversion().initializerToken() != null) {
                    b.initializerToken(hp.textualInversion().initializerToken());
                }
            }
            case SVDIFF -> b.normDeltaLearningRate(hp.svdiff().learningRate1d().floatValue())
                    .methodOption("svdiff.scale", Double.toString(hp.svdiff().scale()));
            case DREAMBOOTH -> {
                // no method block
            }
        }
        return b.build();
    }

    /** The job's placeholders as the library's: {@code {identifier}} is the trained token, {@code {classNoun}} text. */
    private static String libraryPrompt(PersonalizationJob job, String prompt) {
        return prompt.replace(PersonalizationJob.CLASS_NOUN_PLACEHOLDER, job.classNoun())
                .replace(PersonalizationJob.IDENTIFIER_PLACEHOLDER, "{id}");
    }
}
