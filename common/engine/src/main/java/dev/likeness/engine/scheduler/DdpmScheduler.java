package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Denoising diffusion probabilistic models (Ho et al. 2020), diffusers' {@code DDPMScheduler}: the training forward
 * process and ancestral sampling with the posterior q(x_{t−1} | x_t, x₀) of eq. 6–7. Fine-tuning jobs use it for
 * {@link #addNoise}/{@link #velocity}; sampling with it needs many steps.
 */
public final class DdpmScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final BetaSchedule schedule;
    private long[] timesteps = new long[0];

    public DdpmScheduler(SchedulerConfig config) {
        if (!java.util.Set.of("fixed_small", "fixed_small_log", "fixed_large").contains(config.varianceType())) {
            throw new IllegalArgumentException("DDPM variance_type '" + config.varianceType()
                    + "' is not supported (fixed_small, fixed_small_log or fixed_large)");
        }
        this.config = config;
        this.schedule = BetaSchedule.of(config);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    public BetaSchedule schedule() {
        return schedule;
    }

    @Override
    public void setTimesteps(int n) {
        this.timesteps = InferenceTimesteps.select(config, n);
    }

    @Override
    public long[] timesteps() {
        return timesteps.clone();
    }

    private long previousTimestep(long t) {
        return timesteps.length == 0 ? t - 1 : t - config.numTrainTimesteps() / timesteps.length;
    }

    /** Posterior variance β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t (eq. 7), or β_t for fixed_large; floored at 1e-20. */
    public float variance(long t) {
        long prevT = previousTimestep(t);
        float alphaProdT = schedule.alphaCumprod(t);
        float alphaProdPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : 1f;
        float currentBeta = 1f - alphaProdT / alphaProdPrev;
        if (config.varianceType().equals("fixed_large")) {
            return currentBeta;
        }
        return Math.max((1f - alphaProdPrev) / (1f - alphaProdT) * currentBeta, 1e-20f);
    }

    @Override
    public StepOutput step(NDArray modelOutput, long t, NDArray sample, NDArray varianceNoise) {
        long prevT = previousTimestep(t);
        float alphaProdT = schedule.alphaCumprod(t);
        float alphaProdPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : 1f;
        float betaProdT = 1f - alphaProdT;
        float betaProdPrev = 1f - alphaProdPrev;
        float currentAlpha = alphaProdT / alphaProdPrev;
        float currentBeta = 1f - currentAlpha;
        NDArray prev;
        NDArray x0;
        try (NDScope scope = new NDScope()) {
            float sqrtAlpha = (float) Math.sqrt(alphaProdT);
            float sqrtBeta = (float) Math.sqrt(betaProdT);
            x0 = switch (config.predictionType()) {
                case EPSILON -> sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
                case SAMPLE -> modelOutput;
                case V_PREDICTION -> sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
            };
            if (config.clipSample()) {
                x0 = x0.clip(-config.clipSampleRange(), config.clipSampleRange());
            }
            // eq. 7: μ̃_t = √ᾱ_{t−1}·β_t/(1−ᾱ_t)·x₀ + √α_t·(1−ᾱ_{t−1})/(1−ᾱ_t)·x_t
            float x0Coeff = (float) Math.sqrt(alphaProdPrev) * currentBeta / betaProdT;
            float sampleCoeff = (float) Math.sqrt(currentAlpha) * betaProdPrev / betaProdT;
            prev = x0.mul(x0Coeff).add(sample.mul(sampleCoeff));
            if (t > 0) {
                NDArray z = varianceNoise != null ? varianceNoise
                        : sample.getManager().randomNormal(sample.getShape(), sample.getDataType());
                float v = variance(t);
                float std = config.varianceType().equals("fixed_small_log")
                        ? (float) Math.exp(0.5 * Math.log(v)) : (float) Math.sqrt(v);
                prev = prev.add(z.mul(std));
            }
            NDScope.unregister(prev, x0);
        }
        return InferenceTimesteps.escape(prev, x0);
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps) {
        return ForwardProcess.addNoise(schedule, original, noise, timesteps);
    }

    @Override
    public NDArray velocity(NDArray sample, NDArray noise, NDArray timesteps) {
        return ForwardProcess.velocity(schedule, sample, noise, timesteps);
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }
}
