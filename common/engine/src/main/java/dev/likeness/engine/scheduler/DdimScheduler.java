package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Denoising diffusion implicit models (Song et al. 2021), diffusers' {@code DDIMScheduler}: the generalised reverse
 * step of eq. 12 with σ_t = η·√((1−ᾱ_{t−1})/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_{t−1}) (eq. 16). η = 0 is deterministic, which also
 * makes the process invertible ({@link #inverseStep}, used for DDIM inversion).
 */
public final class DdimScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final BetaSchedule schedule;
    /** ᾱ used "before" t = 0: 1 with set_alpha_to_one, else ᾱ₀ (SD 1.x). */
    private final float finalAlphaCumprod;
    private long[] timesteps = new long[0];
    private float eta;

    public DdimScheduler(SchedulerConfig config) {
        this.config = config;
        this.schedule = BetaSchedule.of(config);
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1f : schedule.alphaCumprod(0);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    public BetaSchedule schedule() {
        return schedule;
    }

    public float finalAlphaCumprod() {
        return finalAlphaCumprod;
    }

    /** η of eq. 16: 0 (default) is DDIM, 1 is DDPM-like ancestral sampling. */
    public void setEta(float eta) {
        if (eta < 0) {
            throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        }
        this.eta = eta;
    }

    @Override
    public void setTimesteps(int n) {
        this.timesteps = InferenceTimesteps.select(config, n);
    }

    @Override
    public long[] timesteps() {
        return timesteps.clone();
    }

    private int stepRatio() {
        if (timesteps.length == 0) {
            throw new IllegalStateException("DDIM: call setTimesteps before step");
        }
        return config.numTrainTimesteps() / timesteps.length;
    }

    @Override
    public StepOutput step(NDArray modelOutput, long t, NDArray sample, NDArray varianceNoise) {
        long prevT = t - stepRatio();
        float alphaProdT = schedule.alphaCumprod(t);
        float alphaProdPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
        float betaProdT = 1f - alphaProdT;
        float betaProdPrev = 1f - alphaProdPrev;
        float variance = (betaProdPrev / betaProdT) * (1f - alphaProdT / alphaProdPrev);
        float stdDev = eta * (float) Math.sqrt(variance);
        NDArray prev;
        NDArray x0;
        try (NDScope scope = new NDScope()) {
            NDArray[] x0Eps = predictions(modelOutput, sample, alphaProdT, betaProdT);
            x0 = x0Eps[0];
            // eq. 12: √ᾱ_{t−1}·x̂₀ + √(1−ᾱ_{t−1}−σ²)·ε̂ (+ σ·z)
            NDArray direction = x0Eps[1].mul((float) Math.sqrt(1f - alphaProdPrev - stdDev * stdDev));
            prev = x0.mul((float) Math.sqrt(alphaProdPrev)).add(direction);
            if (eta > 0) {
                NDArray z = varianceNoise != null ? varianceNoise
                        : sample.getManager().randomNormal(sample.getShape(), sample.getDataType());
                prev = prev.add(z.mul(stdDev));
            }
            NDScope.unregister(prev, x0);
        }
        return InferenceTimesteps.escape(prev, x0);
    }

    /**
     * One step of DDIM inversion (diffusers' {@code DDIMInverseScheduler}): moves {@code sample} from the noise level
     * of {@code t − T/n} (or clean, before the first step) up to that of {@code t}, with the model evaluated at
     * {@code t}. Iterate over {@link #timesteps()} in ascending order.
     */
    public StepOutput inverseStep(NDArray modelOutput, long t, NDArray sample) {
        long fromT = t - stepRatio();
        float alphaProdFrom = fromT >= 0 ? schedule.alphaCumprod(Math.min(fromT, config.numTrainTimesteps() - 1))
                : finalAlphaCumprod;
        float alphaProdTo = schedule.alphaCumprod(t);
        NDArray next;
        NDArray x0;
        try (NDScope scope = new NDScope()) {
            NDArray[] x0Eps = predictions(modelOutput, sample, alphaProdFrom, 1f - alphaProdFrom);
            x0 = x0Eps[0];
            next = x0.mul((float) Math.sqrt(alphaProdTo)).add(x0Eps[1].mul((float) Math.sqrt(1f - alphaProdTo)));
            NDScope.unregister(next, x0);
        }
        return InferenceTimesteps.escape(next, x0);
    }

    /** {x̂₀, ε̂} from the model output per prediction type (eq. 12's "predicted x₀"), with optional clipping. */
    private NDArray[] predictions(NDArray modelOutput, NDArray sample, float alphaProd, float betaProd) {
        float sqrtAlpha = (float) Math.sqrt(alphaProd);
        float sqrtBeta = (float) Math.sqrt(betaProd);
        NDArray x0;
        NDArray eps;
        switch (config.predictionType()) {
            case EPSILON -> {
                x0 = sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
                eps = modelOutput;
            }
            case SAMPLE -> {
                x0 = modelOutput;
                eps = sample.sub(x0.mul(sqrtAlpha)).div(sqrtBeta);
            }
            case V_PREDICTION -> {
                x0 = sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
                eps = modelOutput.mul(sqrtAlpha).add(sample.mul(sqrtBeta));
            }
            default -> throw new IllegalStateException();
        }
        if (config.clipSample()) {
            float r = config.clipSampleRange();
            x0 = x0.clip(-r, r);
            eps = sample.sub(x0.mul(sqrtAlpha)).div(sqrtBeta);
        }
        return new NDArray[] {x0, eps};
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
