package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Asks the service of one stage to run it for a job, published on that stage's topic.
 *
 * @param schema    always {@link #SCHEMA}
 * @param job       the whole job, defaults filled
 * @param stage     the stage to run; must be on the job's routing slip
 * @param attempt   1 for the first try, incremented on redelivery after a failure
 * @param artifacts outputs of earlier stages so far, name → {@code s3://} URI
 */
@JsonPropertyOrder({"schema", "job", "stage", "attempt", "artifacts"})
public record StageRequest(String schema, PersonalizationJob job, Stage stage, Integer attempt,
        Map<String, String> artifacts) {

    /** Schema identifier of this message version. */
    public static final String SCHEMA = "likeness.stage/v1";

    /** A request for {@code stage} of {@code job}. */
    public static StageRequest of(PersonalizationJob job, Stage stage, int attempt, Map<String, String> artifacts) {
        return new StageRequest(SCHEMA, job, stage, attempt, artifacts);
    }
}
