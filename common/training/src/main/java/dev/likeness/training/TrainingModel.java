package dev.likeness.training;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Module;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The pieces of a Stable Diffusion model that training touches. The module trees ({@link #unet}, {@link #textEncoder},
 * {@link #vae}) are what methods freeze, override ({@link dev.likeness.engine.nn.Parameter#override}) or train; the
 * function components run them. {@link TrainingModels} builds one from a diffusers folder.
 *
 * @param baseModel       where the base model came from (folder or URI), referenced by artifacts instead of copied
 * @param baseModelDigest content digest of the base weights (provenance, SVD cache key)
 */
public record TrainingModel(Module unet, Denoiser denoiser, Module textEncoder, TextEncoder textEncoderFn,
                            Module vae, LatentEncoder latentEncoder, float latentScalingFactor,
                            PromptTokenizer tokenizer, NoiseSchedule noiseSchedule, String baseModel,
                            String baseModelDigest) {

    public TrainingModel {
        Objects.requireNonNull(unet, "unet");
        Objects.requireNonNull(denoiser, "denoiser");
        Objects.requireNonNull(textEncoder, "textEncoder");
        Objects.requireNonNull(textEncoderFn, "textEncoderFn");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(noiseSchedule, "noiseSchedule");
    }

    /** The UNet's forward pass. */
    @FunctionalInterface
    public interface Denoiser {
        /**
         * @param noisyLatents        {@code [batch, 4, h, w]}
         * @param timesteps           {@code [batch]} int64
         * @param encoderHiddenStates {@code [batch, tokens, dim]}
         * @return the model prediction (epsilon or velocity) {@code [batch, 4, h, w]}
         */
        NDArray predict(NDArray noisyLatents, NDArray timesteps, NDArray encoderHiddenStates);
    }

    /** The text encoder's forward pass. */
    @FunctionalInterface
    public interface TextEncoder {
        /**
         * @param inputIds {@code [batch, tokens]} int64
         * @return last hidden state {@code [batch, tokens, dim]}
         */
        NDArray encode(NDArray inputIds);
    }

    /** The VAE encoder up to the latent distribution's parameters. */
    @FunctionalInterface
    public interface LatentEncoder {
        /**
         * @param pixels {@code [batch, 3, height, width]} in [-1, 1]
         * @return moments {@code [batch, 2 * latentChannels, height / 8, width / 8]}: mean then log-variance
         */
        NDArray moments(NDArray pixels);
    }

    /** Where a folder-loaded model lives, if it came from one. */
    public Path baseFolder() {
        return baseModel == null ? null : Path.of(baseModel);
    }
}
