package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Euler's method on the probability-flow ODE dx/dσ = (x − x̂₀)/σ (Karras et al. 2022, algorithm 2 with S_churn = 0),
 * diffusers' {@code EulerDiscreteScheduler}. Works in the σ frame: the initial noise has standard deviation
 * {@link #initNoiseSigma()} and the model input is scaled by 1/√(σ²+1).
 *
 * <p>Timesteps are integers (rounded for {@code linspace} spacing) and σ is taken at exactly those timesteps, so the
 * model always sees the timestep whose noise level it is given; for leading/trailing spacing this equals diffusers.
 */
public final class EulerDiscreteScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final BetaSchedule schedule;
    private final float[] trainSigmas;
    private long[] timesteps = new long[0];
    private float[] sigmas = new float[0];

    public EulerDiscreteScheduler(SchedulerConfig config) {
        this.config = config;
        this.schedule = BetaSchedule.of(config);
        this.trainSigmas = Sigmas.ofSchedule(schedule);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    @Override
    public void setTimesteps(int n) {
        int trainSteps = config.numTrainTimesteps();
        if (n < 1 || n > trainSteps) {
            throw new IllegalArgumentException("number of inference steps must be in [1, " + trainSteps + "], got " + n);
        }
        long[] ts = new long[n];
        switch (config.timestepSpacing()) {
            case LINSPACE -> {
                double[] lin = InferenceTimesteps.linspace(0, trainSteps - 1, n);
                for (int i = 0; i < n; i++) {
                    ts[i] = Math.round(lin[n - 1 - i]);
                }
            }
            case LEADING, TRAILING -> ts = InferenceTimesteps.select(config, n);
        }
        this.timesteps = ts;
        this.sigmas = Sigmas.atTimesteps(trainSigmas, ts, 0f);
    }

    @Override
    public long[] timesteps() {
        return timesteps.clone();
    }

    /** σ at each inference timestep followed by a final 0. */
    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public float initNoiseSigma() {
        float max = 0;
        for (float s : sigmas.length > 0 ? sigmas : trainSigmas) {
            max = Math.max(max, s);
        }
        return config.timestepSpacing() == TimestepSpacing.LEADING ? (float) Math.sqrt(max * max + 1) : max;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, long t) {
        float sigma = sigmas[InferenceTimesteps.indexOf(timesteps, t)];
        return sample.div((float) Math.sqrt(sigma * sigma + 1));
    }

    @Override
    public StepOutput step(NDArray modelOutput, long t, NDArray sample, NDArray varianceNoise) {
        int i = InferenceTimesteps.indexOf(timesteps, t);
        float sigma = sigmas[i];
        float dt = sigmas[i + 1] - sigma;
        NDArray prev;
        NDArray x0;
        try (NDScope scope = new NDScope()) {
            x0 = switch (config.predictionType()) {
                case EPSILON -> sample.sub(modelOutput.mul(sigma));
                case V_PREDICTION -> modelOutput.mul(-sigma / (float) Math.sqrt(sigma * sigma + 1))
                        .add(sample.div(sigma * sigma + 1));
                case SAMPLE -> modelOutput;
            };
            NDArray derivative = sample.sub(x0).div(sigma);
            prev = sample.add(derivative.mul(dt));
            NDScope.unregister(prev, x0);
        }
        return InferenceTimesteps.escape(prev, x0);
    }

    /** x₀ + σ_t·ε at the given integer timesteps (the σ-frame forward process, used for image-to-image). */
    @Override
    public NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps) {
        long[] ts = ForwardProcess.timesteps(timesteps);
        long batch = original.getShape().get(0);
        float[] ones = new float[(int) batch];
        float[] s = new float[(int) batch];
        for (int b = 0; b < batch; b++) {
            long t = ts[ts.length == 1 ? 0 : b];
            schedule.alphaCumprod(t);
            ones[b] = 1f;
            s[b] = trainSigmas[(int) t];
        }
        return ForwardProcess.combine(original, ones, noise, s);
    }

    @Override
    public NDArray velocity(NDArray sample, NDArray noise, NDArray timesteps) {
        return ForwardProcess.velocity(schedule, sample, noise, timesteps);
    }
}
