package dev.likeness.servicekit.health;

import java.util.Map;

/** The outcome of one {@link HealthCheck}: UP or DOWN plus a few facts worth showing (never secrets). */
public record CheckResult(String name, boolean up, Map<String, Object> data) {

    public CheckResult {
        data = Map.copyOf(data);
    }

    public static CheckResult up(String name, Map<String, Object> data) {
        return new CheckResult(name, true, data);
    }

    public static CheckResult down(String name, String reason) {
        return new CheckResult(name, false, Map.of("error", reason == null ? "unknown" : reason));
    }
}
