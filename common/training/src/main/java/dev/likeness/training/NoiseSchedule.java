package dev.likeness.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The DDPM forward-noising schedule used for training (diffusers {@code DDPMScheduler} config): cumulative alpha
 * products per timestep and what the model predicts.
 *
 * @param alphasCumprod  ᾱ_t for t = 0 .. numTrainTimesteps - 1, computed in float32 as torch does
 * @param predictionType {@code epsilon} or {@code v_prediction}
 */
public record NoiseSchedule(float[] alphasCumprod, PredictionType predictionType) {

    /** What the UNet is trained to output. */
    public enum PredictionType {
        EPSILON("epsilon"), V_PREDICTION("v_prediction");

        private final String configName;

        PredictionType(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static PredictionType fromConfig(String name) {
            for (PredictionType t : values()) {
                if (t.configName.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unsupported prediction_type '" + name
                    + "' (expected epsilon or v_prediction)");
        }
    }

    public int numTrainTimesteps() {
        return alphasCumprod.length;
    }

    /**
     * Signal-to-noise ratio ᾱ_t / (1 - ᾱ_t) (used by min-SNR-γ weighting).
     */
    public float snr(int t) {
        float a = alphasCumprod[t];
        return a / (1f - a);
    }

    /** Reads {@code scheduler_config.json} (linear or scaled_linear betas). */
    public static NoiseSchedule fromConfig(Path schedulerConfig) throws IOException {
        JsonNode c = new ObjectMapper().readTree(schedulerConfig.toFile());
        int n = c.path("num_train_timesteps").asInt(1000);
        double start = c.path("beta_start").asDouble(0.0001);
        double end = c.path("beta_end").asDouble(0.02);
        String kind = c.path("beta_schedule").asText("linear");
        String prediction = c.path("prediction_type").asText("epsilon");
        return new NoiseSchedule(alphasCumprod(kind, start, end, n), PredictionType.fromConfig(prediction));
    }

    /**
     * ᾱ in float32 with torch's operation order: python-double endpoints, linspace in float32, cumprod accumulated in
     * double (torch's CPU accumulation type for float) and rounded per element.
     */
    public static float[] alphasCumprod(String betaSchedule, double start, double end, int n) {
        float[] betas = new float[n];
        switch (betaSchedule) {
            case "linear" -> {
                for (int i = 0; i < n; i++) {
                    betas[i] = linspace((float) start, (float) end, n, i);
                }
            }
            case "scaled_linear" -> {
                float s = (float) Math.sqrt(start);
                float e = (float) Math.sqrt(end);
                for (int i = 0; i < n; i++) {
                    float b = linspace(s, e, n, i);
                    betas[i] = b * b;
                }
            }
            default -> throw new IllegalArgumentException("unsupported beta_schedule '" + betaSchedule
                    + "' (expected linear or scaled_linear)");
        }
        float[] out = new float[n];
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            prod *= (float) (1f - betas[i]);
            out[i] = (float) prod;
        }
        return out;
    }

    // torch.linspace (float32): start + i * step for the first half, end - (n - 1 - i) * step for the second
    private static float linspace(float start, float end, int n, int i) {
        if (n == 1) {
            return start;
        }
        float step = (end - start) / (n - 1);
        int half = n / 2;
        return i < half ? start + step * i : end - step * (n - 1 - i);
    }
}
