package dev.likeness.evaluator.model;

import ai.djl.ndarray.NDManager;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.training.artifact.ArtifactOptions;
import dev.likeness.training.artifact.ArtifactSet;
import dev.likeness.training.linalg.SpectralCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A base model with a job's trained artifact applied, ready to sample from: SVDiff shifts (at the job's scale),
 * Textual Inversion embeddings, LoRA weights, or DreamBooth's fine-tuned UNet (and text encoder, when trained).
 * Closing it releases the model and everything applied to it.
 */
public final class TrainedModel implements AutoCloseable {

    private final StableDiffusionModel model;
    private final ArtifactSet artifacts;
    private final AutoCloseable applied;

    private TrainedModel(StableDiffusionModel model, ArtifactSet artifacts, AutoCloseable applied) {
        this.model = model;
        this.artifacts = artifacts;
        this.applied = applied;
    }

    /**
     * @param baseModel local diffusers folder of the job's base model
     * @param artifact  local copy of {@code jobs/<id>/artifacts/}
     * @param manager   parent of the model's manager
     */
    public static TrainedModel load(PersonalizationJob job, Path baseModel, Path artifact, SpectralCache cache,
                                    NDManager manager) {
        StableDiffusionModel model;
        try {
            model = StableDiffusionModel.load(baseModel, manager.newSubManager());
        } catch (IOException | RuntimeException e) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "base model " + job.baseModel() + " cannot be loaded: "
                    + e.getMessage(), e);
        }
        try {
            return switch (job.method()) {
                case DREAMBOOTH -> {
                    loadDreamBooth(model, artifact);
                    yield new TrainedModel(model, ArtifactSet.load(ArtifactOptions.none()), () -> { });
                }
                case SVDIFF -> applied(model, new ArtifactOptions(List.of(new ArtifactOptions.Weighted(artifact,
                        job.hyperParameters().svdiff().scale().floatValue())), List.of(), null), cache);
                case TEXTUAL_INVERSION -> applied(model, new ArtifactOptions(List.of(), List.of(artifact), null), cache);
                case LORA -> applied(model, new ArtifactOptions(List.of(), List.of(),
                        new ArtifactOptions.Weighted(artifact, 1f)), cache);
            };
        } catch (IOException | RuntimeException e) {
            model.close();
            if (e instanceof StageFailure f) {
                throw f;
            }
            throw new StageFailure(ErrorCode.MODEL_INVALID, "the " + job.method().wire() + " artifact of job "
                    + job.jobId() + " cannot be applied to its base model: " + e.getMessage(), e);
        }
    }

    private static TrainedModel applied(StableDiffusionModel model, ArtifactOptions options, SpectralCache cache)
            throws IOException {
        ArtifactSet set = ArtifactSet.load(options);
        return new TrainedModel(model, set, set.applyTo(model, cache));
    }

    /** DreamBooth trains the weights themselves: load them over the base model's. */
    private static void loadDreamBooth(StableDiffusionModel model, Path artifact) {
        Path unet = artifact.resolve("unet/diffusion_pytorch_model.safetensors");
        if (!Files.isRegularFile(unet)) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "the DreamBooth artifact has no "
                    + "unet/diffusion_pytorch_model.safetensors");
        }
        ModelWeights.load(model.unet(), unet, model.manager(), "");
        Path textEncoder = artifact.resolve("text_encoder/model.safetensors");
        if (Files.isRegularFile(textEncoder)) {
            ModelWeights.load(model.textEncoder(), textEncoder, model.manager(), "");
        }
    }

    public StableDiffusionModel model() {
        return model;
    }

    /** A prompt as the model must see it (multi-vector Textual Inversion placeholders expanded). */
    public String prompt(String prompt) {
        return artifacts.expandPrompt(prompt);
    }

    @Override
    public void close() {
        try {
            applied.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not remove the applied artifact", e);
        } finally {
            model.close();
        }
    }
}
