package dev.likeness.jobs.state;

import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectNotFoundException;
import dev.likeness.objectstore.ObjectStore;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Reads and writes {@code jobs/<id>/state.json} (and the cancel marker next to it) in the object store.
 *
 * <p>Writers of one job's state are serialized within this process. Across processes there is exactly one writer
 * at a time by construction: a job's messages are keyed by job id, so one consumer (one instance) works on a job,
 * and a takeover only happens after the previous owner's heartbeat lease has expired. The cancel marker is a
 * separate object so that control messages never race the owner's read-modify-write.
 */
public final class JobStateStore {

    private static final String CANCEL_FILE = "cancel.json";

    private final ObjectStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public JobStateStore(ObjectStore store) {
        this(store, Clock.systemUTC());
    }

    public JobStateStore(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The store the states live in. */
    public ObjectStore objectStore() {
        return store;
    }

    /** Now, by this store's clock. */
    public Instant now() {
        return clock.instant();
    }

    /** The state of {@code jobId}, or empty when the job is unknown. */
    public Optional<JobState> read(String jobId) {
        try {
            return Optional.of(store.getJson(key(jobId), JobState.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code state} as is (creating or replacing it). */
    public JobState write(JobState state) {
        synchronized (lock(state.jobId())) {
            store.putJson(key(state.jobId()), state);
            return state;
        }
    }

    /**
     * Read-modify-write: applies {@code change} to the current state (a fresh {@link JobState#accepted} one when
     * there is none yet) and writes the result.
     *
     * @return the state written
     */
    public JobState update(String jobId, UnaryOperator<JobState> change) {
        synchronized (lock(jobId)) {
            JobState current = read(jobId).orElseGet(() -> JobState.accepted(jobId, now()));
            JobState next = change.apply(current);
            if (!next.jobId().equals(jobId)) {
                throw new IllegalStateException("a state update changed the job id " + jobId + " to " + next.jobId());
            }
            store.putJson(key(jobId), next);
            return next;
        }
    }

    /** Writes the cancel marker of {@code jobId}. */
    public void requestCancel(String jobId, String reason) {
        store.putJson(cancelKey(jobId), new CancelRequest(jobId, reason, now()));
    }

    /** The cancel marker of {@code jobId}, if a cancel was requested. */
    public Optional<CancelRequest> cancelRequest(String jobId) {
        try {
            return Optional.of(store.getJson(cancelKey(jobId), CancelRequest.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Key of the state document. */
    public static ObjectKey key(String jobId) {
        return ObjectKeys.job(jobId).state();
    }

    /**
     * Key of the final result ({@code succeeded} payload with metrics and report), written before the last stage
     * is recorded complete so that a redelivered stage message can re-publish the same result.
     */
    public static ObjectKey resultKey(String jobId) {
        return ObjectKeys.job(jobId).root().resolve("result.json");
    }

    /** Key of the cancel marker. */
    public static ObjectKey cancelKey(String jobId) {
        return ObjectKeys.job(jobId).root().resolve(CANCEL_FILE);
    }

    private Object lock(String jobId) {
        return locks.computeIfAbsent(jobId, k -> new Object());
    }
}
