package dev.likeness.engine.scheduler;

/** What the denoiser predicts: the noise (ε), the velocity v = √ᾱ·ε − √(1−ᾱ)·x₀, or the clean sample x₀. */
public enum PredictionType {
    EPSILON("epsilon"),
    V_PREDICTION("v_prediction"),
    SAMPLE("sample");

    private final String configName;

    PredictionType(String configName) {
        this.configName = configName;
    }

    /** The value of {@code prediction_type} in scheduler_config.json. */
    public String configName() {
        return configName;
    }

    public static PredictionType fromConfig(String name) {
        for (PredictionType p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown prediction_type '" + name
                + "' (expected epsilon, v_prediction or sample)");
    }
}
