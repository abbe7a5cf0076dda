package dev.likeness.jobs.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.jobs.events.EventPublisher;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.jobs.state.JobStatus;
import dev.likeness.objectstore.ObjectStoreException;
import dev.likeness.objectstore.ObjectStoreUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/** Maps exceptions to error codes and reports failures (failed event, job state, dead letters). */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectMapper LOOSE = new ObjectMapper();
    private static final int MAX_MESSAGE = 2000;

    private final JobStateStore states;
    private final EventPublisher events;
    private final DeadLetters deadLetters;

    Failures(JobStateStore states, EventPublisher events, DeadLetters deadLetters) {
        this.states = states;
        this.events = events;
        this.deadLetters = deadLetters;
    }

    /** The error code a failure reports. */
    static ErrorCode codeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StageFailure f) {
                return f.code();
            }
            if (c instanceof MessageValidationException m) {
                return m.errorCode();
            }
            if (c instanceof ObjectStoreUnavailableException) {
                return ErrorCode.STORE_UNAVAILABLE;
            }
        }
        return ErrorCode.INTERNAL;
    }

    /** A human message for a failure, bounded in length. */
    static String messageOf(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (codeOf(t) == ErrorCode.INTERNAL && !(t instanceof StageFailure)) {
            m = t.getClass().getSimpleName() + ": " + m;
        }
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }

    /**
     * A message that cannot be used: dead-letter it, and when a job id can be made out (the key, or the id inside
     * the JSON), publish {@code failed} for that job.
     */
    void reject(ConsumerRecord<String, String> record, ErrorCode code, String reason, Stage stage) {
        LOG.warn("rejecting {}-{}@{} (key {}): {} {}", record.topic(), record.partition(), record.offset(),
                record.key(), code, reason);
        deadLetters.send(record, code, reason);
        String jobId = jobIdOf(record);
        if (jobId != null) {
            events.publish(jobId, new Failed(code, "rejected message on " + record.topic() + ": " + reason, stage));
        }
    }

    /** Marks the job failed (best effort when the store is the problem) and publishes {@code failed}. */
    void fail(String jobId, Stage stage, ErrorCode code, String message) {
        try {
            states.update(jobId, s -> s.finished(JobStatus.FAILED, code.name(), message, states.now()));
        } catch (ObjectStoreException e) {
            LOG.warn("state of {} not marked failed: {}", jobId, e.getMessage());
        }
        events.publish(jobId, new Failed(code, message, stage));
    }

    private static String jobIdOf(ConsumerRecord<String, String> record) {
        if (record.key() != null && JOB_ID.matcher(record.key()).matches()) {
            return record.key();
        }
        try {
            JsonNode n = LOOSE.readTree(record.value());
            for (JsonNode c : new JsonNode[] {n.path("jobId"), n.path("job").path("jobId")}) {
                if (c.isTextual() && JOB_ID.matcher(c.asText()).matches()) {
                    return c.asText();
                }
            }
        } catch (Exception e) {
            // not JSON at all: no job id to report to
        }
        return null;
    }
}
