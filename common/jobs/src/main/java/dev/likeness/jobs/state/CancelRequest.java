package dev.likeness.jobs.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/**
 * A cancel marker, {@code jobs/<id>/cancel.json}: written by whichever instance reads the control message, so a job
 * that is queued (not running anywhere) is cancelled when a service picks it up.
 *
 * @param jobId       the job
 * @param reason      reason from the control message
 * @param requestedAt when the cancel was asked for
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CancelRequest(String jobId, String reason, Instant requestedAt) {
}
