package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * The job's last stage finished.
 *
 * @param artifacts artifact name → {@code s3://} URI (e.g. {@code svdiff} → the deltas file)
 * @param downloads artifact name → presigned HTTP(S) download URL
 * @param metrics   metric name → value (e.g. {@code dino}, {@code clip-i}, {@code clip-t})
 * @param report    {@code s3://} URI of the evaluation report; absent without evaluation
 */
@JsonPropertyOrder({"artifacts", "downloads", "metrics", "report"})
public record Succeeded(Map<String, String> artifacts, Map<String, String> downloads, Map<String, Double> metrics,
        String report) implements EventData {
}
