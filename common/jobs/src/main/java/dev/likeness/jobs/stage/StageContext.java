package dev.likeness.jobs.stage;

import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.jobs.events.EventPublisher;
import dev.likeness.jobs.events.ProgressThrottle;
import dev.likeness.jobs.kafka.StopSignal;
import dev.likeness.jobs.state.CheckpointRef;
import dev.likeness.jobs.state.JobState;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a {@link StageHandler} needs while it runs one stage of one job: the request, the state at start, the
 * object store, a scratch folder, throttled progress events, heartbeats, checkpoint bookkeeping, and the cancel and
 * shutdown signals. Used from the handler's thread only.
 */
public final class StageContext {

    private static final Logger LOG = LoggerFactory.getLogger(StageContext.class);

    private final StageRequest request;
    private final int attempt;
    private final JobState initialState;
    private final RunnerSettings settings;
    private final JobStateStore states;
    private final EventPublisher events;
    private final Cancellations cancellations;
    private final StopSignal stop;
    private final Path workDir;
    private final long startNanos = System.nanoTime();
    private ProgressThrottle throttle;
    private int firstStep = -1;
    private long lastHeartbeatNanos = System.nanoTime();
    private long lastCancelCheckNanos = System.nanoTime();

    StageContext(StageRequest request, int attempt, JobState initialState, RunnerSettings settings,
                 JobStateStore states, EventPublisher events, Cancellations cancellations, StopSignal stop,
                 Path workDir) {
        this.request = request;
        this.attempt = attempt;
        this.initialState = initialState;
        this.settings = settings;
        this.states = states;
        this.events = events;
        this.cancellations = cancellations;
        this.stop = stop;
        this.workDir = workDir;
    }

    public StageRequest request() {
        return request;
    }

    public PersonalizationJob job() {
        return request.job();
    }

    public String jobId() {
        return request.job().jobId();
    }

    public Stage stage() {
        return request.stage();
    }

    /** Outputs of earlier stages, name → {@code s3://} URI. */
    public Map<String, String> artifacts() {
        return request.artifacts() == null ? Map.of() : request.artifacts();
    }

    /** 1 for the first try; higher when this run takes over from an earlier attempt. */
    public int attempt() {
        return attempt;
    }

    /** The job state as it was when this attempt started. */
    public JobState initialState() {
        return initialState;
    }

    /** The checkpoint an earlier attempt of this stage left, or {@code null}. */
    public CheckpointRef resumeFrom() {
        return initialState.checkpointOf(stage());
    }

    public ObjectStore store() {
        return states.objectStore();
    }

    /** Scratch folder of this run (deleted when the stage ends). */
    public Path workDir() {
        return workDir;
    }

    public RunnerSettings settings() {
        return settings;
    }

    /**
     * Reports progress after unit {@code step} of {@code total} (1-based). Becomes a {@code progress} event every
     * {@code every} units (at most once per {@link RunnerSettings#progressMinInterval()}, always at the end); also
     * refreshes the heartbeat when due.
     *
     * @param loss training loss, or {@code null}
     * @param lr   learning rate, or {@code null}
     */
    public void progress(int step, int total, int every, Double loss, Double lr) {
        if (throttle == null) {
            throttle = new ProgressThrottle(Math.max(1, every), settings.progressMinInterval());
            firstStep = step - 1;
        }
        long now = System.nanoTime();
        if (throttle.shouldReport(step, total, now)) {
            double seconds = Math.max((now - startNanos) / 1e9, 1e-9);
            double rate = (step - firstStep) / seconds;
            double eta = rate > 0 ? (total - step) / rate : 0;
            events.publish(jobId(), new Progress(stage(), step, total, finite(loss), finite(lr), rate, eta));
        }
        heartbeat();
    }

    /** Refreshes this owner's heartbeat in the job state when {@link RunnerSettings#heartbeatInterval()} passed. */
    public void heartbeat() {
        long now = System.nanoTime();
        if (now - lastHeartbeatNanos < settings.heartbeatInterval().toNanos()) {
            return;
        }
        lastHeartbeatNanos = now;
        try {
            states.update(jobId(), s -> s.withHeartbeat(states.now()));
        } catch (ObjectStoreException e) {
            LOG.warn("heartbeat of {} not written: {}", jobId(), e.getMessage());
        }
    }

    /** Records a checkpoint whose files are all written; a later attempt resumes from it. */
    public void checkpointSaved(int step, String uri) {
        states.update(jobId(), s -> s.withCheckpoint(new CheckpointRef(step, uri, states.now()), states.now()));
        lastHeartbeatNanos = System.nanoTime();
    }

    /** Whether a cancel was requested (this instance's control messages, and the store's marker now and then). */
    public boolean cancelRequested() {
        if (cancellations.seen(jobId()).isPresent()) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastCancelCheckNanos >= settings.cancelCheckInterval().toNanos()) {
            lastCancelCheckNanos = now;
            try {
                return cancellations.lookup(jobId()).isPresent();
            } catch (ObjectStoreException e) {
                LOG.warn("cannot check the cancel marker of {}: {}", jobId(), e.getMessage());
            }
        }
        return false;
    }

    /** Throws {@link JobCancelledException} when a cancel was requested. */
    public void throwIfCancelled() {
        if (cancelRequested()) {
            throw new JobCancelledException(jobId(), cancellations.seen(jobId()).orElse(null));
        }
    }

    /** Whether this instance is shutting down: save what can be resumed, then throw {@link StageAbandonedException}. */
    public boolean shutdownRequested() {
        return stop.isSet();
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
