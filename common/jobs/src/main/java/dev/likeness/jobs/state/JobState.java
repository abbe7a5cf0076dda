package dev.likeness.jobs.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.likeness.contracts.jobs.Stage;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The durable state of one job, {@code jobs/<id>/state.json}: enough for any service instance to pick the job up.
 * Immutable; every transition returns a copy (written back by {@link JobStateStore#update}).
 *
 * @param jobId          the job (idempotency key)
 * @param status         overall status
 * @param stage          the stage running now, or the last one that ran; {@code null} before the first
 * @param attempt        attempt number of {@link #stage} (1 for the first try; +1 each time another instance
 *                       takes over a stage that an earlier attempt had started)
 * @param owner          instance id running {@link #stage}; {@code null} when nobody holds it
 * @param heartbeat      last sign of life from {@link #owner}
 * @param lastCheckpoint last complete checkpoint of the running stage, or {@code null}
 * @param completed      finished stages by wire name ({@code prior}, {@code train}, {@code evaluate})
 * @param routed         whether the intake published the request for the first stage
 * @param sequences      last event sequence per event source ({@code /likeness/trainer} → 7)
 * @param errorCode      why the job failed ({@code ErrorCode} name), or {@code null}
 * @param errorMessage   human-readable failure detail, or {@code null}
 * @param createdAt      when the state was created
 * @param updatedAt      last write
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobState(
        String jobId,
        JobStatus status,
        Stage stage,
        int attempt,
        String owner,
        Instant heartbeat,
        CheckpointRef lastCheckpoint,
        Map<String, StageRecord> completed,
        boolean routed,
        Map<String, Long> sequences,
        String errorCode,
        String errorMessage,
        Instant createdAt,
        Instant updatedAt) {

    public JobState {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("job state needs a job id");
        }
        status = status == null ? JobStatus.ACCEPTED : status;
        completed = completed == null ? Map.of() : Map.copyOf(completed);
        sequences = sequences == null ? Map.of() : Map.copyOf(sequences);
    }

    /** A fresh state for a job just accepted. */
    public static JobState accepted(String jobId, Instant now) {
        return new JobState(jobId, JobStatus.ACCEPTED, null, 0, null, null, null, Map.of(), false, Map.of(), null,
                null, now, now);
    }

    /** The record of a finished stage, or {@code null}. */
    public StageRecord completedStage(Stage s) {
        return completed.get(s.wire());
    }

    /** Last event sequence used by {@code source} (0 when none). */
    public long sequence(String source) {
        return sequences.getOrDefault(source, 0L);
    }

    /**
     * Whether another live instance holds {@code s}: it is running, owned by someone other than {@code me}, and its
     * heartbeat is younger than {@code lease}.
     */
    public boolean heldByOther(Stage s, String me, Instant now, Duration lease) {
        return status == JobStatus.RUNNING && stage == s && owner != null && !owner.equals(me) && heartbeat != null
                && heartbeat.plus(lease).isAfter(now);
    }

    /**
     * The attempt number the next start of {@code s} gets: 1 for a stage never started, previous + 1 when an earlier
     * attempt started it (and did not finish).
     */
    public int nextAttempt(Stage s) {
        return stage == s && status == JobStatus.RUNNING ? attempt + 1 : 1;
    }

    /** Whether an earlier attempt of {@code s} left a checkpoint to resume from. */
    public CheckpointRef checkpointOf(Stage s) {
        return stage == s ? lastCheckpoint : null;
    }

    // ---- transitions ----------------------------------------------------------------------------

    public JobState withRouted(Instant now) {
        return new JobState(jobId, status, stage, attempt, owner, heartbeat, lastCheckpoint, completed, true,
                sequences, errorCode, errorMessage, createdAt, now);
    }

    /** {@code s} started (or restarted) on {@code owner}; a checkpoint of an earlier attempt of {@code s} is kept. */
    public JobState started(Stage s, int newAttempt, String newOwner, Instant now) {
        CheckpointRef keep = stage == s ? lastCheckpoint : null;
        return new JobState(jobId, JobStatus.RUNNING, s, newAttempt, newOwner, now, keep, completed, routed,
                sequences, null, null, createdAt, now);
    }

    public JobState withHeartbeat(Instant now) {
        return new JobState(jobId, status, stage, attempt, owner, now, lastCheckpoint, completed, routed, sequences,
                errorCode, errorMessage, createdAt, now);
    }

    public JobState withCheckpoint(CheckpointRef ref, Instant now) {
        return new JobState(jobId, status, stage, attempt, owner, now, ref, completed, routed, sequences, errorCode,
                errorMessage, createdAt, now);
    }

    /** The owner let go of the stage (graceful shutdown): another instance may take it over at once. */
    public JobState released(Instant now) {
        return new JobState(jobId, status, stage, attempt, null, heartbeat, lastCheckpoint, completed, routed,
                sequences, errorCode, errorMessage, createdAt, now);
    }

    public JobState stageCompleted(Stage s, Map<String, String> outputs, Instant now) {
        Map<String, StageRecord> c = new LinkedHashMap<>(completed);
        c.put(s.wire(), new StageRecord(outputs, attempt, false, now));
        return new JobState(jobId, status, s, attempt, null, now, null, c, routed, sequences, errorCode, errorMessage,
                createdAt, now);
    }

    public JobState nextPublished(Stage s, Instant now) {
        StageRecord r = completed.get(s.wire());
        if (r == null) {
            throw new IllegalStateException("stage " + s.wire() + " of job " + jobId + " has not completed");
        }
        Map<String, StageRecord> c = new LinkedHashMap<>(completed);
        c.put(s.wire(), r.withNextPublished());
        return new JobState(jobId, status, stage, attempt, owner, heartbeat, lastCheckpoint, c, routed, sequences,
                errorCode, errorMessage, createdAt, now);
    }

    public JobState finished(JobStatus terminal, String code, String message, Instant now) {
        if (!terminal.terminal()) {
            throw new IllegalArgumentException(terminal + " is not a terminal status");
        }
        return new JobState(jobId, terminal, stage, attempt, null, heartbeat, lastCheckpoint, completed, routed,
                sequences, code, message, createdAt, now);
    }

    public JobState withSequence(String source, long sequence, Instant now) {
        Map<String, Long> s = new LinkedHashMap<>(sequences);
        s.put(source, sequence);
        return new JobState(jobId, status, stage, attempt, owner, heartbeat, lastCheckpoint, completed, routed, s,
                errorCode, errorMessage, createdAt, now);
    }
}
