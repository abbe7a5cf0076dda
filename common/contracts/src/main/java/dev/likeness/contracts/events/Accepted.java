package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.Stage;
import java.util.List;

/**
 * The job passed validation and was routed to its first stage.
 *
 * @param method the job's method
 * @param stages the routing slip
 */
@JsonPropertyOrder({"method", "stages"})
public record Accepted(Method method, List<Stage> stages) implements EventData {
}
