package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.Stage;
import java.util.Map;

/**
 * A stage finished; its outputs travel on to the next stage.
 *
 * @param stage   the stage
 * @param outputs output name → {@code s3://} URI
 */
@JsonPropertyOrder({"stage", "outputs"})
public record StageCompleted(Stage stage, Map<String, String> outputs) implements EventData {
}
