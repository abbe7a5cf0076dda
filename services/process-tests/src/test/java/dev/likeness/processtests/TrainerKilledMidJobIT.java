package dev.likeness.processtests;

import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.jobs.EventLog;
import dev.likeness.jobs.state.JobState;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.jobs.state.JobStatus;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.testkit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trainer process killed with SIGKILL in the middle of a job (no shutdown hook, no last checkpoint, no release of
 * the job, no goodbye to the consumer group): a second trainer process takes the uncommitted request over once the
 * first one's Kafka session and job lease have expired, resumes from the checkpoint the job state records, and ends
 * with an artifact byte-identical to that of an uninterrupted run of the same settings.
 */
@ExtendWith(LocalStackExtension.class)
class TrainerKilledMidJobIT {

    // long enough that the kill lands mid-job however fast a step is on the machine running the test
    private static final int STEPS = 30;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aKilledTrainersJobIsResumedFromItsCheckpointByAnotherProcessWithTheSameArtifact(StackEndpoints stack)
            throws Exception {
        Path work = Files.createDirectories(Path.of("target/process-tests/killed").toAbsolutePath());
        List<TrainerProcess> trainers = new ArrayList<>();
        try (ObjectStore store = TrainJobs.store(stack)) {
            TrainJobs jobs = new TrainJobs(stack, store);
            JobStateStore states = new JobStateStore(store);
            String model = jobs.model(work);
            TrainerProcess first = TrainerProcess.start(stack, "trainer-killed-1", work);
            trainers.add(first);
            first.awaitReady(WAIT);

            // reference: the same settings, another job id, trained without interruption
            PersonalizationJob reference = jobs.loraJob(TrainJobs.newJobId(), model, STEPS);
            jobs.publish(reference);
            List<JobEvent> refEvents = EventLog.untilTerminal(stack.kafkaBootstrapServers(), reference.jobId(), WAIT);
            assertThat(last(refEvents).type()).as("reference run: %s\n%s", refEvents, first.tail())
                    .isEqualTo(EventType.SUCCEEDED);

            PersonalizationJob job = jobs.loraJob(TrainJobs.newJobId(), model, STEPS);
            jobs.publish(job);
            JobState checkpointed = awaitState(states, job.jobId(),
                    s -> s.status() == JobStatus.RUNNING && s.lastCheckpoint() != null, WAIT, first);
            first.kill();

            JobState atKill = states.read(job.jobId()).orElseThrow();
            assertThat(atKill.status()).as("the kill came before the end: %s", atKill).isEqualTo(JobStatus.RUNNING);
            assertThat(atKill.owner()).isEqualTo("trainer-killed-1");
            assertThat(atKill.attempt()).isEqualTo(1);
            assertThat(atKill.completedStage(Stage.TRAIN)).isNull();
            int resumeStep = atKill.lastCheckpoint().step();
            assertThat(resumeStep).isGreaterThanOrEqualTo(checkpointed.lastCheckpoint().step()).isLessThan(STEPS);

            TrainerProcess second = TrainerProcess.start(stack, "trainer-killed-2", work);
            trainers.add(second);
            second.awaitReady(WAIT);
            List<JobEvent> events = EventLog.untilTerminal(stack.kafkaBootstrapServers(), job.jobId(), WAIT);
            assertThat(last(events).type()).as("events %s\n%s", events, second.tail())
                    .isEqualTo(EventType.SUCCEEDED);

            // attempt 1 on the first process, attempt 2 on the second, which starts after the recorded checkpoint
            List<Integer> starts = new ArrayList<>();
            int secondStart = -1;
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).type() == EventType.STAGE_STARTED) {
                    starts.add(events.get(i).dataAs(StageStarted.class).attempt());
                    secondStart = i;
                }
            }
            assertThat(starts).as("stage-started attempts").containsExactly(1, 2);
            List<Integer> resumedSteps = events.subList(secondStart, events.size()).stream()
                    .filter(e -> e.type() == EventType.PROGRESS).map(e -> e.dataAs(Progress.class).step()).toList();
            assertThat(resumedSteps).as("progress of attempt 2")
                    .isEqualTo(IntStream.rangeClosed(resumeStep + 1, STEPS).boxed().toList());
            assertThat(events).filteredOn(e -> e.type() == EventType.STAGE_COMPLETED).hasSize(1);
            // the sequence lives in the job state, so the second process continues it (a kill may leave a gap,
            // never a repeat)
            List<Long> sequences = events.stream().map(JobEvent::sequence).toList();
            assertThat(sequences).as("event sequences").isSorted().doesNotHaveDuplicates();
            assertThat(second.logText()).contains(job.jobId() + ": resumed at step " + resumeStep);

            JobState done = states.read(job.jobId()).orElseThrow();
            assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.attempt()).isEqualTo(2);
            assertThat(done.completedStage(Stage.TRAIN).attempt()).isEqualTo(2);

            // the resumed artifact equals the uninterrupted one, byte for byte
            Map<String, byte[]> expected = jobs.artifact(reference.jobId());
            Map<String, byte[]> actual = jobs.artifact(job.jobId());
            assertThat(expected).as("reference artifact files").isNotEmpty();
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
            // and the bytes say nothing about the job, the attempt or the instance (else equality would be luck)
            for (Map.Entry<String, byte[]> f : actual.entrySet()) {
                if (f.getKey().endsWith(".safetensors")) {
                    Path local = Files.write(work.resolve(job.jobId() + "-" + f.getKey()), f.getValue());
                    try (SafeTensorsFile st = SafeTensorsFile.open(local)) {
                        assertThat(st.metadata()).containsEntry("likeness.steps", Integer.toString(STEPS))
                                .containsEntry("likeness.base_model", model);
                        assertThat(st.metadata().toString()).doesNotContain(job.jobId())
                                .doesNotContain("trainer-killed");
                    }
                }
            }
        } finally {
            for (TrainerProcess t : trainers) {
                t.close();
            }
        }
    }

    private static JobEvent last(List<JobEvent> events) {
        assertThat(events).as("events").isNotEmpty();
        return events.get(events.size() - 1);
    }

    /** Polls the job's state until {@code condition} holds; fails early when the trainer died. */
    private static JobState awaitState(JobStateStore states, String jobId,
                                       java.util.function.Predicate<JobState> condition, Duration timeout,
                                       TrainerProcess trainer) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobState last = null;
        while (System.nanoTime() < deadline) {
            last = states.read(jobId).orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            if (last != null && last.status().terminal()) {
                throw new AssertionError(jobId + " ended before the condition held (too few steps?): " + last);
            }
            if (!trainer.isAlive()) {
                throw new IllegalStateException(trainer.instanceId() + " died; log tail:\n" + trainer.tail());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("state of " + jobId + " never matched; last " + last + "\n" + trainer.tail());
    }
}
