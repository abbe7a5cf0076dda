package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.Stage;

/**
 * A service began a stage.
 *
 * @param stage   the stage
 * @param attempt 1 for the first try
 */
@JsonPropertyOrder({"stage", "attempt"})
public record StageStarted(Stage stage, Integer attempt) implements EventData {
}
