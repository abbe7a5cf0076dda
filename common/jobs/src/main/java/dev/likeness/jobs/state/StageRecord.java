package dev.likeness.jobs.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.Map;

/**
 * A finished stage of a job.
 *
 * @param outputs       output name → {@code s3://} URI, as published in {@code stage-completed}
 * @param attempt       the attempt that finished it
 * @param nextPublished whether the request for the next stage (if any) was published
 * @param completedAt   when it finished
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StageRecord(Map<String, String> outputs, int attempt, boolean nextPublished, Instant completedAt) {

    public StageRecord {
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }

    /** Copy marking the next hop as published. */
    public StageRecord withNextPublished() {
        return new StageRecord(outputs, attempt, true, completedAt);
    }
}
