package dev.likeness.training;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.vae.AutoencoderKL;

import java.nio.file.Path;

/**
 * The VAE used to encode training images, with the latent scaling factor from its config.
 *
 * @param module  the VAE module tree
 * @param encoder image → moments (mean then log-variance)
 */
record VaeEncoding(AutoencoderKL module, TrainingModel.LatentEncoder encoder, float scalingFactor) {

    static VaeEncoding load(Path vaeFolder, NDManager manager) {
        AutoencoderKL vae = AutoencoderKL.load(vaeFolder, manager);
        vae.setTrainable(false);
        return new VaeEncoding(vae, pixels -> vae.encode(pixels).moments(), (float) vae.scalingFactor());
    }
}
