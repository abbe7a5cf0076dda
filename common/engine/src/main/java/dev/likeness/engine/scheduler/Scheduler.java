package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * A diffusion noise scheduler, independent of any model: the training-time forward process ({@link #addNoise},
 * {@link #velocity}) and one reverse step at a time for sampling.
 *
 * <p>Usage: {@code setTimesteps(n)}, scale the initial noise by {@link #initNoiseSigma()}, then for each
 * {@code t} of {@link #timesteps()}: {@code model(scaleModelInput(x, t), t)} → {@code step(...)}. Multistep
 * schedulers keep state between steps, so a scheduler instance serves one sampling run at a time; all arrays are
 * {@code [batch, channels, height, width]} and results are owned by the manager of the sample/first operand.
 */
public interface Scheduler {

    SchedulerConfig config();

    /** Chooses {@code n} inference timesteps (and resets multistep state). */
    void setTimesteps(int n);

    /** The inference timesteps, from most to least noisy; empty before {@link #setTimesteps}. */
    long[] timesteps();

    /** One reverse step from {@code t}; draws variance noise from the sample's manager where the step needs it. */
    default StepOutput step(NDArray modelOutput, long t, NDArray sample) {
        return step(modelOutput, t, sample, null);
    }

    /**
     * One reverse step from {@code t}.
     *
     * @param varianceNoise standard normal noise shaped like {@code sample} for stochastic steps (DDPM, DDIM with
     *                      eta &gt; 0); {@code null} draws it; ignored by deterministic steps
     */
    StepOutput step(NDArray modelOutput, long t, NDArray sample, NDArray varianceNoise);

    /** Forward process q(x_t | x₀) at integer training timesteps {@code timesteps} ([batch] int64). */
    NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps);

    /** The v-prediction target √ᾱ_t·ε − √(1−ᾱ_t)·x₀ at {@code timesteps} ([batch] int64). */
    NDArray velocity(NDArray sample, NDArray noise, NDArray timesteps);

    /** Standard deviation of the initial noise (1 for DDPM/DDIM/DPM-Solver, σ_max-ish for Euler). */
    float initNoiseSigma();

    /** The model input at {@code t} (identity except for σ-parameterised schedulers such as Euler). */
    default NDArray scaleModelInput(NDArray sample, long t) {
        return sample;
    }
}
