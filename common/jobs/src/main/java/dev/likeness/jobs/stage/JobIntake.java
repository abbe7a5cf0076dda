package dev.likeness.jobs.stage;

import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.events.Accepted;
import dev.likeness.contracts.events.ErrorCode;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * The entry of the job flow, consuming {@code likeness.jobs}: validates a job strictly (codec, then the
 * {@link JobValidator}), creates its state, publishes {@code accepted} and routes it to the first stage of its slip.
 * The job id is the idempotency key: a job whose state exists is not accepted again (only its first hop is
 * re-published if a crash had cut the routing short).
 */
public final class JobIntake implements RecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(JobIntake.class);

    private final JobStateStore states;
    private final EventPublisher events;
    private final JobValidator validator;
    private final Failures failures;

    public JobIntake(JobStateStore states, EventPublisher events, DeadLetters deadLetters, JobValidator validator) {
        this.states = states;
        this.events = events;
        this.validator = validator;
        this.failures = new Failures(states, events, deadLetters);
    }

    @Override
    public Disposition process(ConsumerRecord<String, String> record, StopSignal stop) {
        PersonalizationJob job;
        try {
            job = Messages.parseJob(record.value());
        } catch (MessageValidationException e) {
            failures.reject(record, e.errorCode(), e.getMessage(), null);
            return Disposition.DONE;
        }
        String jobId = job.jobId();
        try {
            Optional<JobState> existing = states.read(jobId);
            if (existing.isPresent()) {
                if (existing.get().routed() || existing.get().status().terminal()) {
                    LOG.info("{}: duplicate job message ignored (job is {})", jobId, existing.get().status().wire());
                } else {
                    route(job);
                }
                return Disposition.DONE;
            }
            try {
                validator.check(job);
            } catch (StageFailure e) {
                LOG.warn("{}: rejected: {} {}", jobId, e.code(), e.getMessage());
                failures.fail(jobId, null, e.code(), e.getMessage());
                return Disposition.DONE;
            }
            states.write(JobState.accepted(jobId, states.now()));
            events.publish(jobId, new Accepted(job.method(), job.stages()));
            route(job);
            return Disposition.DONE;
        } catch (RuntimeException e) {
            ErrorCode code = Failures.codeOf(e);
            LOG.warn("{}: intake failed: {} {}", jobId, code, e.toString());
            failures.fail(jobId, null, code, Failures.messageOf(e));
            return Disposition.DONE;
        }
    }

    private void route(PersonalizationJob job) {
        Stage first = job.stages().get(0);
        events.publishStageRequest(StageRequest.of(job, first, 1, Map.of()));
        states.update(job.jobId(), s -> s.withRouted(states.now()));
        LOG.info("{}: accepted, routed to {}", job.jobId(), first.wire());
    }
}
