package dev.likeness.training;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.engine.nn.Module;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The VAE encoder half used to encode training images, with the latent scaling factor from its config.
 *
 * @param module  the VAE module tree ({@code null} when the folder has no VAE weights)
 * @param encoder image → moments ({@code null} when unavailable)
 */
record VaeEncoding(Module module, TrainingModel.LatentEncoder encoder, float scalingFactor) {

    static VaeEncoding load(Path vaeFolder, NDManager manager) throws IOException {
        Path config = vaeFolder.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IOException("VAE folder " + vaeFolder + " has no config.json");
        }
        float scaling = (float) new ObjectMapper().readTree(config.toFile()).path("scaling_factor").asDouble(0.18215);
        // the engine's AutoencoderKL is wired in here once it exists
        return new VaeEncoding(null, null, scaling);
    }
}
