package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * DPM-Solver++ (Lu et al. 2022, "DPM-Solver++", algorithm 2: multistep second order, "2M"), diffusers'
 * {@code DPMSolverMultistepScheduler} with {@code algorithm_type = dpmsolver++}, midpoint solver and
 * {@code lower_order_final}. Works on data predictions x̂₀ and log-SNR half-steps λ = log(α_t/σ_t).
 *
 * <p>Keeps the previous x̂₀ between steps; the copy lives in the sample's manager and is closed when replaced.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final BetaSchedule schedule;
    private final float[] trainSigmas;
    private long[] timesteps = new long[0];
    private float[] sigmas = new float[0];
    private NDArray previousX0;
    private int lowerOrderCount;
    private int stepIndex;

    public DpmSolverMultistepScheduler(SchedulerConfig config) {
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
        if (n < 1 || n >= trainSteps) {
            throw new IllegalArgumentException("number of inference steps must be in [1, " + (trainSteps - 1)
                    + "], got " + n);
        }
        long[] ts = new long[n];
        switch (config.timestepSpacing()) {
            // n+1 points with the last (t = 0) dropped: the final step goes to σ = 0 instead.
            case LINSPACE -> {
                double[] lin = InferenceTimesteps.linspace(0, trainSteps - 1, n + 1);
                for (int i = 0; i < n; i++) {
                    ts[i] = (long) Math.rint(lin[n - i]);
                }
            }
            case LEADING -> {
                int ratio = trainSteps / (n + 1);
                for (int i = 0; i < n; i++) {
                    ts[i] = (long) (n - i) * ratio + config.stepsOffset();
                }
            }
            case TRAILING -> {
                double ratio = (double) trainSteps / n;
                for (int i = 0; i < n; i++) {
                    ts[i] = (long) Math.rint(trainSteps - i * ratio) - 1;
                }
            }
        }
        float last = config.finalSigmaZero() ? 0f
                : (float) Math.sqrt((1 - schedule.alphaCumprod(0)) / schedule.alphaCumprod(0));
        this.timesteps = ts;
        this.sigmas = Sigmas.atTimesteps(trainSigmas, ts, last);
        reset();
    }

    private void reset() {
        if (previousX0 != null) {
            previousX0.close();
            previousX0 = null;
        }
        lowerOrderCount = 0;
        stepIndex = 0;
    }

    @Override
    public long[] timesteps() {
        return timesteps.clone();
    }

    /** σ at each inference timestep followed by the final σ (0 by default). */
    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public StepOutput step(NDArray modelOutput, long t, NDArray sample, NDArray varianceNoise) {
        int i = InferenceTimesteps.indexOf(timesteps, t);
        if (i != stepIndex) {
            throw new IllegalStateException("DPM-Solver++ is multistep: expected timestep " + timesteps[stepIndex]
                    + " next but got " + t + " (call setTimesteps to restart)");
        }
        int n = timesteps.length;
        boolean lowerOrderFinal = i == n - 1 && ((config.lowerOrderFinal() && n < 15) || config.finalSigmaZero());
        NDArray prev;
        NDArray x0;
        NDArray keep;
        try (NDScope scope = new NDScope()) {
            x0 = dataPrediction(modelOutput, sample, sigmas[i]);
            boolean firstOrder = config.solverOrder() == 1 || lowerOrderCount < 1 || lowerOrderFinal;
            prev = firstOrder || previousX0 == null ? firstOrder(x0, sample, i)
                    : secondOrder(x0, previousX0, sample, i);
            keep = x0.duplicate();
            NDScope.unregister(prev, x0, keep);
        }
        if (previousX0 != null) {
            previousX0.close();
        }
        previousX0 = keep;
        if (lowerOrderCount < config.solverOrder()) {
            lowerOrderCount++;
        }
        stepIndex++;
        if (stepIndex == n) {
            previousX0.close();
            previousX0 = null;
        }
        return InferenceTimesteps.escape(prev, x0);
    }

    /** α_t = 1/√(σ²+1), σ_t = σ·α_t (the VP frame of the σ). */
    private static double alpha(float sigma) {
        return 1.0 / Math.sqrt((double) sigma * sigma + 1);
    }

    private static double lambda(float sigma) {
        double a = alpha(sigma);
        return Math.log(a) - Math.log(sigma * a);
    }

    /** x̂₀ from the model output (DPM-Solver++ works on data predictions). */
    private NDArray dataPrediction(NDArray modelOutput, NDArray sample, float sigma) {
        float alphaT = (float) alpha(sigma);
        float sigmaT = (float) (sigma * alpha(sigma));
        return switch (config.predictionType()) {
            case EPSILON -> sample.sub(modelOutput.mul(sigmaT)).div(alphaT);
            case V_PREDICTION -> sample.mul(alphaT).sub(modelOutput.mul(sigmaT));
            case SAMPLE -> modelOutput;
        };
    }

    /** DPM-Solver++(1), i.e. DDIM: x_t = (σ_t/σ_s)·x_s − α_t·(e^{−h} − 1)·x̂₀. */
    private NDArray firstOrder(NDArray x0, NDArray sample, int i) {
        float s = sigmas[i];
        float t = sigmas[i + 1];
        double alphaT = alpha(t);
        if (t == 0f) {
            return x0.mul(1f);
        }
        double h = lambda(t) - lambda(s);
        float sampleCoeff = (float) ((t * alphaT) / (s * alpha(s)));
        float x0Coeff = (float) (-alphaT * (Math.exp(-h) - 1.0));
        return sample.mul(sampleCoeff).add(x0.mul(x0Coeff));
    }

    /** Algorithm 2 (midpoint form): D = x̂₀ + (1/(2r))·(x̂₀ − x̂₀_prev), r = h_{prev}/h. */
    private NDArray secondOrder(NDArray x0, NDArray prevX0, NDArray sample, int i) {
        float s0 = sigmas[i];
        float s1 = sigmas[i - 1];
        float t = sigmas[i + 1];
        if (t == 0f) {
            return x0.mul(1f);
        }
        double alphaT = alpha(t);
        double h = lambda(t) - lambda(s0);
        double h0 = lambda(s0) - lambda(s1);
        double r0 = h0 / h;
        double e = Math.exp(-h) - 1.0;
        float sampleCoeff = (float) ((t * alphaT) / (s0 * alpha(s0)));
        NDArray d1 = x0.sub(prevX0).mul((float) (1.0 / r0));
        return sample.mul(sampleCoeff).add(x0.mul((float) (-alphaT * e))).add(d1.mul((float) (-0.5 * alphaT * e)));
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps) {
        return ForwardProcess.addNoise(schedule, original, noise, timesteps);
    }

    @Override
    public NDArray velocity(NDArray sample, NDArray noise, NDArray timesteps) {
        return ForwardProcess.velocity(schedule, sample, noise, timesteps);
    }
}
