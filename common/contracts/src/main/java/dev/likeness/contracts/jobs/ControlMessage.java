package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * An out-of-band command for a running job, published on {@code likeness.control}; every service
 * instance reads all of them.
 *
 * @param schema      always {@link #SCHEMA}
 * @param action      what to do
 * @param jobId       the job it concerns
 * @param reason      human-readable reason, echoed in the {@code cancelled} event
 * @param requestedAt when it was sent
 */
@JsonPropertyOrder({"schema", "action", "jobId", "reason", "requestedAt"})
public record ControlMessage(String schema, ControlAction action, String jobId, String reason, Instant requestedAt) {

    /** Schema identifier of this message version. */
    public static final String SCHEMA = "likeness.control/v1";

    /** A cancel request for {@code jobId}. */
    public static ControlMessage cancel(String jobId, String reason) {
        return new ControlMessage(SCHEMA, ControlAction.CANCEL, jobId, reason, Instant.now());
    }
}
