package dev.likeness.engine.pipeline;

import ai.djl.ndarray.NDArray;

/** Called after each denoising step; {@code latents} ({@code [batch, 4, h, w]}) is valid only during the call. */
@FunctionalInterface
public interface StepCallback {

    /**
     * @param step      0-based index of the finished step
     * @param total     number of steps in this run
     * @param timestep  the timestep just denoised
     * @param latents   the latents after the step
     */
    void onStep(int step, int total, long timestep, NDArray latents);

    StepCallback NONE = (step, total, timestep, latents) -> { };
}
