package dev.likeness.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The inputs of one forward pass. With prior preservation the batch is {@code [instances; class images]}: the first
 * {@code instanceCount} rows are instance samples, the rest class (prior) samples.
 *
 * @param latents             clean latents (already multiplied by the VAE scaling factor) {@code [batch, 4, h, w]}
 * @param noise               {@code [batch, 4, h, w]}
 * @param timesteps           {@code [batch]} int64
 * @param encoderHiddenStates {@code [batch, tokens, dim]}, or {@code null} when {@code inputIds} is given
 * @param inputIds            {@code [batch, tokens]} int64 for a text encoder that trains, else {@code null}
 * @param instanceCount       rows that are instance samples
 */
public record TrainingBatch(NDArray latents, NDArray noise, NDArray timesteps, NDArray encoderHiddenStates,
                            NDArray inputIds, int instanceCount) {

    public TrainingBatch {
        if ((encoderHiddenStates == null) == (inputIds == null)) {
            throw new IllegalArgumentException("a training batch needs exactly one of encoder hidden states or input"
                    + " ids");
        }
        long b = latents.getShape().get(0);
        if (noise.getShape().get(0) != b || timesteps.getShape().get(0) != b || instanceCount <= 0
                || instanceCount > b) {
            throw new IllegalArgumentException("inconsistent training batch: latents " + latents.getShape()
                    + ", noise " + noise.getShape() + ", timesteps " + timesteps.getShape() + ", instances "
                    + instanceCount);
        }
    }

    NDManager manager() {
        return latents.getManager();
    }

    public int size() {
        return (int) latents.getShape().get(0);
    }
}
