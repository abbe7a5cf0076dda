package dev.likeness.engine.scheduler;

/**
 * The training noise schedule β₁…β_T and ᾱ_t = ∏(1−β_s), computed in float32 exactly as diffusers does with torch, so
 * values match the reference bit for bit (golden tolerance 1e-6): {@code torch.linspace} in float32 (first half from
 * the start, second half from the end), squares of a float32 linspace of square roots for {@code scaled_linear}, and
 * a cumulative product accumulated in double and rounded per element (torch's CPU {@code cumprod} accumulates float32
 * in double).
 */
public final class BetaSchedule {

    private final float[] betas;
    private final float[] alphas;
    private final float[] alphasCumprod;

    private BetaSchedule(float[] betas) {
        this.betas = betas;
        this.alphas = new float[betas.length];
        this.alphasCumprod = new float[betas.length];
        double acc = 1.0;
        for (int i = 0; i < betas.length; i++) {
            alphas[i] = 1.0f - betas[i];
            acc *= alphas[i];
            alphasCumprod[i] = (float) acc;
        }
    }

    /** Builds the schedule named by {@code config.betaSchedule()} (or its trained betas). */
    public static BetaSchedule of(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        float[] betas;
        if (config.trainedBetas() != null) {
            if (config.trainedBetas().length != n) {
                throw new IllegalArgumentException("trained_betas has " + config.trainedBetas().length
                        + " values but num_train_timesteps is " + n);
            }
            betas = config.trainedBetas().clone();
        } else {
            betas = switch (config.betaSchedule()) {
                case "linear" -> linspace((float) config.betaStart(), (float) config.betaEnd(), n);
                case "scaled_linear" -> {
                    // (beta_start ** 0.5) is taken in double by Python, then the linspace runs in float32.
                    float[] roots = linspace((float) Math.sqrt(config.betaStart()), (float) Math.sqrt(config.betaEnd()), n);
                    for (int i = 0; i < n; i++) {
                        roots[i] = roots[i] * roots[i];
                    }
                    yield roots;
                }
                case "squaredcos_cap_v2" -> cosine(n, 0.999);
                default -> throw new IllegalArgumentException("unsupported beta_schedule '" + config.betaSchedule()
                        + "' (expected linear, scaled_linear or squaredcos_cap_v2)");
            };
        }
        BetaSchedule schedule = new BetaSchedule(betas);
        return config.rescaleBetasZeroSnr() ? schedule.rescaledToZeroTerminalSnr() : schedule;
    }

    /**
     * torch.linspace(start, end, steps) for float32 on CPU, including its vectorised kernel: blocks of 8 values (AVX2)
     * are {@code base + k·step} with {@code base} computed (as a fused multiply-add) for the block's first index, two
     * blocks per loop iteration, and the tail done per element. The first half counts up from {@code start}, the second half down
     * from {@code end}; which half a block belongs to is decided by its first index.
     */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        final int width = 8;
        int i = 0;
        for (; i <= steps - 2 * width; i += width) {
            float base = at(start, end, step, halfway, steps, i);
            for (int k = 0; k < width; k++) {
                out[i + k] = base + (float) k * step;
            }
        }
        for (; i < steps; i++) {
            out[i] = at(start, end, step, halfway, steps, i);
        }
        return out;
    }

    /** One element as the compiled kernel computes it: a fused multiply-add (the reference build contracts it). */
    private static float at(float start, float end, float step, int halfway, int steps, int i) {
        return i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - i - 1), end);
    }

    /** Nichol &amp; Dhariwal 2021, eq. 17: ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008, β capped at maxBeta. */
    private static float[] cosine(int n, double maxBeta) {
        float[] betas = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), maxBeta);
        }
        return betas;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Lin et al. 2023, algorithm 1: shift/scale √ᾱ so the last step has zero SNR. */
    private BetaSchedule rescaledToZeroTerminalSnr() {
        int n = alphasCumprod.length;
        float[] root = new float[n];
        for (int i = 0; i < n; i++) {
            root[i] = (float) Math.sqrt(alphasCumprod[i]);
        }
        float first = root[0];
        float last = root[n - 1];
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float r = (root[i] - last) * (first / (first - last));
            bar[i] = r * r;
        }
        float[] betas = new float[n];
        betas[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            betas[i] = 1f - bar[i] / bar[i - 1];
        }
        return new BetaSchedule(betas);
    }

    public int size() {
        return betas.length;
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphas() {
        return alphas.clone();
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** ᾱ_t; fails naming the timestep when it is outside the training range. */
    public float alphaCumprod(long t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " is outside the training range [0, "
                    + alphasCumprod.length + ")");
        }
        return alphasCumprod[(int) t];
    }
}
