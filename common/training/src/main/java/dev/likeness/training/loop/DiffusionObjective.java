package dev.likeness.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.NoiseSchedule;
import dev.likeness.training.NoiseSchedule.PredictionType;
import dev.likeness.training.TrainingModel;

/**
 * The denoising training objective: DDPM forward noising, the epsilon or velocity target, MSE with DreamBooth's prior
 * preservation term and optional min-SNR-γ weighting (Hang et al. 2023).
 */
public final class DiffusionObjective {

    private final NoiseSchedule schedule;
    private final PredictionType predictionType;
    private final float priorWeight;
    private final Float snrGamma;

    public DiffusionObjective(NoiseSchedule schedule, PredictionType predictionType, float priorWeight,
                              Float snrGamma) {
        this.schedule = schedule;
        this.predictionType = predictionType == null ? schedule.predictionType() : predictionType;
        this.priorWeight = priorWeight;
        this.snrGamma = snrGamma;
    }

    /**
     * DDPM forward process q(x_t | x_0): {@code sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·ε}.
     *
     * @param latents   {@code [batch, c, h, w]}
     * @param noise     {@code [batch, c, h, w]}
     * @param timesteps {@code [batch]} int64
     */
    public NDArray addNoise(NDArray latents, NDArray noise, NDArray timesteps) {
        long[] t = timesteps.toLongArray();
        NDArray a = coefficient(latents.getManager(), t, true);
        NDArray b = coefficient(latents.getManager(), t, false);
        return a.mul(latents).add(b.mul(noise));
    }

    /** The v-prediction target {@code sqrt(ᾱ_t)·ε - sqrt(1-ᾱ_t)·x0} (Salimans &amp; Ho 2022). */
    public NDArray velocity(NDArray latents, NDArray noise, NDArray timesteps) {
        long[] t = timesteps.toLongArray();
        NDArray a = coefficient(latents.getManager(), t, true);
        NDArray b = coefficient(latents.getManager(), t, false);
        return a.mul(noise).sub(b.mul(latents));
    }

    // [batch, 1, 1, 1] of sqrt(ᾱ_t) or sqrt(1 - ᾱ_t), float32 as torch computes them
    private NDArray coefficient(NDManager manager, long[] t, boolean signal) {
        float[] c = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= schedule.numTrainTimesteps()) {
                throw new IllegalArgumentException("timestep " + t[i] + " outside [0, " + schedule.numTrainTimesteps()
                        + ")");
            }
            float ab = schedule.alphasCumprod()[(int) t[i]];
            c[i] = (float) Math.sqrt(signal ? ab : 1f - ab);
        }
        return manager.create(c, new Shape(t.length, 1, 1, 1));
    }

    /**
     * Runs the UNet on the noised batch and returns the loss. {@code encoderHiddenStates} must be computed by the
     * caller (from cache or a trainable text encoder).
     *
     * @param encoderHiddenStates {@code [batch, tokens, dim]}
     */
    public LossTerms loss(TrainingModel model, TrainingBatch batch, NDArray encoderHiddenStates) {
        NDArray noisy = addNoise(batch.latents(), batch.noise(), batch.timesteps());
        NDArray target = predictionType == PredictionType.EPSILON
                ? batch.noise()
                : velocity(batch.latents(), batch.noise(), batch.timesteps());
        NDArray pred = model.denoiser().predict(noisy, batch.timesteps(), encoderHiddenStates);
        if (!pred.getShape().equals(target.getShape())) {
            throw new IllegalStateException("model prediction " + pred.getShape() + " does not match target "
                    + target.getShape());
        }
        int n = batch.instanceCount();
        int b = batch.size();
        NDArray perSample = pred.sub(target).square().reshape(b, -1).mean(new int[] {1});
        NDArray weights = snrWeights(batch.manager(), batch.timesteps().toLongArray());
        if (weights != null) {
            perSample = perSample.mul(weights);
        }
        NDArray instance = perSample.get("0:" + n).mean();
        NDArray total = instance;
        float priorValue = 0f;
        if (n < b) {
            NDArray prior = perSample.get(n + ":").mean();
            priorValue = prior.getFloat();
            // a torch-allocated scalar: DJL's mul(Number) backs the number with a Java buffer it closes at once,
            // while autograd keeps it for the backward pass (freed memory after a GC, see docs/methods.md)
            try (NDArray w = prior.getManager().full(new Shape(), priorWeight, prior.getDataType())) {
                total = instance.add(prior.mul(w));
            }
        }
        return new LossTerms(total, instance.getFloat(), priorValue, pred);
    }

    // min-SNR-γ: min(SNR, γ)/SNR for epsilon, min(SNR, γ)/SNR + 1 ... as diffusers' train scripts
    private NDArray snrWeights(NDManager manager, long[] t) {
        if (snrGamma == null) {
            return null;
        }
        float[] w = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            float snr = schedule.snr((int) t[i]);
            float base = Math.min(snr, snrGamma) / snr;
            w[i] = predictionType == PredictionType.V_PREDICTION ? base + 1f : base;
        }
        return manager.create(w);
    }
}
