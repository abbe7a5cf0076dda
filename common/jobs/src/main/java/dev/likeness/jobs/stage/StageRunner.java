package dev.likeness.jobs.stage;

import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.events.Cancelled;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.jobs.events.EventPublisher;
import dev.likeness.jobs.kafka.Disposition;
import dev.likeness.jobs.kafka.RecordProcessor;
import dev.likeness.jobs.kafka.StopSignal;
import dev.likeness.jobs.state.JobState;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.jobs.state.JobStatus;
import dev.likeness.jobs.state.StageRecord;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectStoreException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Runs one stage of the routing slip for each request on the stage's topic — the same template in every service:
 * <ol>
 *   <li>parse strictly; a message that is not a valid request goes to the dead-letter topic and, when its job id
 *       can be made out, the job gets a {@code failed} event;</li>
 *   <li>look at the job state: a finished job is skipped; a cancelled one gets {@code cancelled}; a stage already
 *       completed is skipped (its next hop re-published if that had not happened); a stage another live instance
 *       holds is retried later;</li>
 *   <li>mark the stage running (owner, heartbeat, attempt) and publish {@code stage-started};</li>
 *   <li>run the {@link StageHandler}, which writes its outputs;</li>
 *   <li>record the outputs in the state, publish {@code stage-completed}, then the next stage's request (or
 *       {@code succeeded} after the last stage), and record that the hop was published.</li>
 * </ol>
 * Failures become a {@code failed} event with a stable code ({@link StageFailure#code()}, validation codes,
 * {@code STORE_UNAVAILABLE} when the object store stayed unreachable, {@code INTERNAL} otherwise); a cancel becomes
 * {@code cancelled}; a shutdown leaves the request uncommitted for another instance.
 *
 * <p>{@code stage-completed} goes out before the next stage's request so that a job's events arrive in stage order
 * (the next service's {@code stage-started} cannot overtake it).
 */
public final class StageRunner implements RecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    private final StageHandler handler;
    private final RunnerSettings settings;
    private final JobStateStore states;
    private final EventPublisher events;
    private final Cancellations cancellations;
    private final Failures failures;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public StageRunner(StageHandler handler, RunnerSettings settings, JobStateStore states, EventPublisher events,
                       DeadLetters deadLetters, Cancellations cancellations) {
        this.handler = handler;
        this.settings = settings;
        this.states = states;
        this.events = events;
        this.cancellations = cancellations;
        this.failures = new Failures(states, events, deadLetters);
    }

    /** The stage this runner serves. */
    public Stage stage() {
        return handler.stage();
    }

    /** Job ids whose stage runs in this instance right now. */
    public Set<String> runningJobs() {
        return Set.copyOf(running);
    }

    @Override
    public Disposition process(ConsumerRecord<String, String> record, StopSignal stop) {
        if (stop.isSet()) {
            return Disposition.ABANDONED;
        }
        StageRequest request;
        try {
            request = parse(record.value());
        } catch (MessageValidationException e) {
            failures.reject(record, e.errorCode(), e.getMessage(), handler.stage());
            return Disposition.DONE;
        }
        return run(request, stop);
    }

    /** Runs a parsed request (what {@link #process} does after parsing). */
    public Disposition run(StageRequest request, StopSignal stop) {
        PersonalizationJob job = request.job();
        String jobId = job.jobId();
        Stage stage = request.stage();
        if (!running.add(jobId)) {
            return Disposition.RETRY_LATER; // redelivered to us while we still run it
        }
        Path work = null;
        try {
            Optional<JobState> existing = states.read(jobId);
            JobState state = existing.orElse(null);
            if (state != null && state.status().terminal()) {
                LOG.info("{}: {} skipped, job already {}", jobId, stage.wire(), state.status().wire());
                return Disposition.DONE;
            }
            Optional<String> cancel = cancellations.lookup(jobId);
            if (cancel.isPresent()) {
                cancelled(jobId, stage, cancel.get());
                return Disposition.DONE;
            }
            StageRecord done = state == null ? null : state.completedStage(stage);
            if (done != null) {
                LOG.info("{}: {} already completed (attempt {}); not running it again", jobId, stage.wire(),
                        done.attempt());
                if (!done.nextPublished()) {
                    routeOn(job, stage, merge(request.artifacts(), done.outputs()), done.outputs(),
                            savedResult(job, stage));
                }
                return Disposition.DONE;
            }
            if (state != null && state.heldByOther(stage, settings.instanceId(), states.now(),
                    settings.leaseTimeout())) {
                LOG.info("{}: {} is held by {} (heartbeat {}); retrying later", jobId, stage.wire(), state.owner(),
                        state.heartbeat());
                return Disposition.RETRY_LATER;
            }
            int attempt = Math.max(state == null ? 1 : state.nextAttempt(stage),
                    request.attempt() == null ? 1 : request.attempt());
            JobState started = states.update(jobId, s -> s.started(stage, attempt, settings.instanceId(),
                    states.now()));
            events.publish(jobId, new StageStarted(stage, attempt));
            LOG.info("{}: {} started (attempt {}{})", jobId, stage.wire(), attempt,
                    started.lastCheckpoint() == null ? "" : ", checkpoint at step " + started.lastCheckpoint().step());
            work = Files.createDirectories(settings.workDir().resolve(stage.wire() + "-" + jobId + "-" + attempt));
            StageContext ctx = new StageContext(request, attempt, started, settings, states, events, cancellations,
                    stop, work);
            StageOutcome outcome = handler.run(ctx);
            complete(request, outcome);
            return Disposition.DONE;
        } catch (StageAbandonedException e) {
            LOG.info("{}: {} abandoned: {}", jobId, stage.wire(), e.getMessage());
            try {
                states.update(jobId, s -> s.released(states.now()));
            } catch (ObjectStoreException se) {
                LOG.warn("{}: cannot release the job: {}", jobId, se.getMessage());
            }
            return Disposition.ABANDONED;
        } catch (JobCancelledException e) {
            cancelled(jobId, stage, e.reason());
            return Disposition.DONE;
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            ErrorCode code = Failures.codeOf(e);
            if (code == ErrorCode.INTERNAL) {
                LOG.error("{}: {} failed", jobId, stage.wire(), e);
            } else {
                LOG.warn("{}: {} failed: {} {}", jobId, stage.wire(), code, e.getMessage());
            }
            try {
                failures.fail(jobId, stage, code, Failures.messageOf(e));
            } catch (RuntimeException pe) {
                LOG.error("{}: cannot report the failure: {}", jobId, pe.toString());
                return Disposition.RETRY_LATER;
            }
            return Disposition.DONE;
        } finally {
            running.remove(jobId);
            deleteQuietly(work);
        }
    }

    private static StageRequest parse(String json) {
        return Messages.parseStageRequest(json);
    }

    private void complete(StageRequest request, StageOutcome outcome) {
        PersonalizationJob job = request.job();
        Stage stage = request.stage();
        String jobId = job.jobId();
        if (job.nextStage(stage) == null && outcome.result() != null) {
            // write, then record: a crash between here and 'succeeded' must not lose the metrics on redelivery
            states.objectStore().putJson(JobStateStore.resultKey(jobId), outcome.result());
        }
        states.update(jobId, s -> s.stageCompleted(stage, outcome.outputs(), states.now()));
        LOG.info("{}: {} completed: {}", jobId, stage.wire(), outcome.outputs());
        routeOn(job, stage, merge(request.artifacts(), outcome.outputs()), outcome.outputs(), outcome.result());
    }

    // stage-completed, then the next hop (or succeeded), then remember that the hop went out
    private void routeOn(PersonalizationJob job, Stage stage, Map<String, String> artifacts,
                         Map<String, String> outputs, Succeeded result) {
        String jobId = job.jobId();
        events.publish(jobId, new StageCompleted(stage, outputs));
        Stage next = job.nextStage(stage);
        if (next != null) {
            events.publishStageRequest(StageRequest.of(job, next, 1, artifacts));
            states.update(jobId, s -> s.nextPublished(stage, states.now()));
        } else {
            Succeeded succeeded = result != null ? result : new Succeeded(artifacts, Map.of(), Map.of(), null);
            states.update(jobId, s -> s.nextPublished(stage, states.now())
                    .finished(JobStatus.SUCCEEDED, null, null, states.now()));
            events.publish(jobId, succeeded);
        }
    }

    /** The final result saved by {@link #complete}, when {@code stage} is the job's last; else {@code null}. */
    private Succeeded savedResult(PersonalizationJob job, Stage stage) {
        ObjectKey key = JobStateStore.resultKey(job.jobId());
        if (job.nextStage(stage) != null || !states.objectStore().exists(key)) {
            return null;
        }
        return states.objectStore().getJson(key, Succeeded.class);
    }

    private void cancelled(String jobId, Stage stage, String reason) {
        LOG.info("{}: cancelled during {}: {}", jobId, stage.wire(), reason);
        states.update(jobId, s -> s.finished(JobStatus.CANCELLED, ErrorCode.CANCELLED.name(), reason, states.now()));
        events.publish(jobId, new Cancelled(reason, stage));
    }

    private static Map<String, String> merge(Map<String, String> earlier, Map<String, String> outputs) {
        Map<String, String> all = new LinkedHashMap<>(earlier == null ? Map.of() : earlier);
        all.putAll(outputs);
        return all;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
