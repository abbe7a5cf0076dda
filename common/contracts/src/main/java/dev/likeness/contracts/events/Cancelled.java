package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.Stage;

/**
 * A control message cancelled the job.
 *
 * @param reason the reason given in the control message
 * @param stage  the stage that was running; absent when none was
 */
@JsonPropertyOrder({"reason", "stage"})
public record Cancelled(String reason, Stage stage) implements EventData {
}
