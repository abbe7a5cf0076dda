package dev.likeness.engine.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * Output of a generation, owned by the manager passed to the pipeline.
 *
 * @param images  {@code [batch, 3, height, width]} float32 in [0, 1]
 * @param latents {@code [batch, 4, height / f, width / f]} final latents (before the 1/scaling_factor of decoding)
 */
public record GenerationResult(NDArray images, NDArray latents) implements AutoCloseable {

    @Override
    public void close() {
        images.close();
        latents.close();
    }
}
