package dev.likeness.servicekit.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.TreeMap;

/**
 * The MicroProfile-Health-shaped answer: {@code {"status":"UP","checks":[{"name":..,"status":..,"data":{..}}]}};
 * DOWN as soon as one check is DOWN, and then served with HTTP 503.
 */
public record HealthReport(List<CheckResult> checks) {

    public HealthReport {
        checks = List.copyOf(checks);
    }

    public boolean up() {
        return checks.stream().allMatch(CheckResult::up);
    }

    public int httpStatus() {
        return up() ? 200 : 503;
    }

    public JsonObject toJson() {
        JsonArray array = new JsonArray();
        for (CheckResult c : checks) {
            JsonObject check = new JsonObject().put("name", c.name()).put("status", c.up() ? "UP" : "DOWN");
            if (!c.data().isEmpty()) {
                check.put("data", new JsonObject(new TreeMap<>(c.data())));
            }
            array.add(check);
        }
        return new JsonObject().put("status", up() ? "UP" : "DOWN").put("checks", array);
    }
}
