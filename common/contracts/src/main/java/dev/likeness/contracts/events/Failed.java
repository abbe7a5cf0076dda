package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.Stage;

/**
 * The job failed and will not be retried.
 *
 * @param code    stable reason
 * @param message human-readable detail
 * @param stage   the stage that failed; absent when the job was rejected before any stage
 */
@JsonPropertyOrder({"code", "message", "stage"})
public record Failed(ErrorCode code, String message, Stage stage) implements EventData {
}
