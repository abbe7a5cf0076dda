package dev.likeness.engine.scheduler;

/**
 * How inference timesteps are spread over the training range (Lin et al. 2023, "Common Diffusion Noise Schedules and
 * Sample Steps are Flawed", table 2).
 */
public enum TimestepSpacing {
    /** {@code round(linspace(0, T-1, n))}, descending. */
    LINSPACE("linspace"),
    /** {@code i * (T / n)} for i in 0..n-1 plus {@code steps_offset}, descending (SD 1.x default). */
    LEADING("leading"),
    /** {@code round(arange(T, 0, -T/n)) - 1}: always starts at T-1. */
    TRAILING("trailing");

    private final String configName;

    TimestepSpacing(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TimestepSpacing fromConfig(String name) {
        for (TimestepSpacing s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown timestep_spacing '" + name
                + "' (expected linspace, leading or trailing)");
    }
}
