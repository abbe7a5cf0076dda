package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * Result of one denoising step, both {@code [batch, channels, height, width]} and owned by the manager of the
 * {@code sample} passed to the step.
 *
 * @param prevSample          the sample at the next (less noisy) timestep
 * @param predOriginalSample  the model's estimate of the clean sample x₀ at this step
 */
public record StepOutput(NDArray prevSample, NDArray predOriginalSample) {
}
