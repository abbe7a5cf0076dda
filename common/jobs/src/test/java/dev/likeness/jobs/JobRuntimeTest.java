package dev.likeness.jobs;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.jobs.kafka.JobConsumer;
import dev.likeness.jobs.stage.RunnerSettings;
import dev.likeness.jobs.stage.StageContext;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.jobs.stage.StageHandler;
import dev.likeness.jobs.stage.StageOutcome;
import dev.likeness.jobs.state.JobState;
import dev.likeness.jobs.state.JobStatus;
import dev.likeness.localstack.LocalStack;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.testkit.LocalStackExtension;
import dev.likeness.testkit.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime against a real broker and S3 server, with a small "train" handler that writes one object per job and
 * sleeps between steps (so a job outlasts {@code max.poll.interval.ms}).
 */
@ExtendWith(LocalStackExtension.class)
class JobRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalStack stack;
    private static ObjectStore store;
    private static JobRuntime runtime;
    private static JobConsumer consumer;
    private static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @TempDir
    static Path work;

    /** Steps = hyperParameters.steps; each step sleeps 400 ms; steps = 13 fails with INVALID_PARAMETER. */
    static final class SleepyTrain implements StageHandler {
        @Override
        public Stage stage() {
            return Stage.TRAIN;
        }

        @Override
        public StageOutcome run(StageContext ctx) throws Exception {
            runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
            int steps = ctx.job().hyperParameters().steps();
            if (steps == 13) {
                throw new StageFailure(ErrorCode.INVALID_PARAMETER, "13 steps are unlucky");
            }
            for (int s = 1; s <= steps; s++) {
                ctx.throwIfCancelled();
                Thread.sleep(400);
                ctx.progress(s, steps, 1, 1.0 / s, 1e-4);
            }
            ObjectKey key = ObjectKeys.job(ctx.jobId()).artifact("result.txt");
            ctx.store().put(key, ("trained " + steps).getBytes(StandardCharsets.UTF_8), "text/plain");
            Map<String, String> outputs = Map.of("result", ctx.store().uri(key).toString());
            if (steps == 7) { // a final result with metrics, as the evaluator returns
                return new StageOutcome(outputs, new Succeeded(outputs, Map.of(), Map.of("dino", 0.5),
                        "s3://likeness/jobs/" + ctx.jobId() + "/report/"));
            }
            return StageOutcome.of(outputs);
        }
    }

    @BeforeAll
    static void start(LocalStack s) {
        stack = s;
        store = ObjectStore.builder().endpoint(s.s3Endpoint()).credentials(s.s3AccessKey(), s.s3SecretKey())
                .bucket(s.bucket()).build();
        RunnerSettings settings = new RunnerSettings("trainer", "test-" + UUID.randomUUID(), work,
                Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ZERO, Duration.ofMillis(200));
        runtime = JobRuntime.create(settings, s.kafkaBootstrapServers(), store).shutdownGrace(Duration.ofSeconds(5));
        runtime.startControlListener();
        // a poll interval shorter than one job: without pausing while the job runs the group would drop us
        consumer = runtime.consume(Topics.STAGE_TRAIN, "jobs-test-trainer", runtime.stageRunner(new SleepyTrain()),
                Map.of("max.poll.interval.ms", 1500, "session.timeout.ms", 6000, "heartbeat.interval.ms", 500));
    }

    @AfterAll
    static void stop() {
        runtime.close();
        store.close();
    }

    private static PersonalizationJob job(int steps) {
        return Messages.normalize(PersonalizationJob.of("job-" + UUID.randomUUID(), Method.LORA,
                        "s3://likeness/models/tiny/", List.of("s3://likeness/jobs/x/inputs/a.png"), "dog")
                .withHyperParameters(HyperParameters.defaults().withSteps(steps))
                .withPriorPreservation(PriorPreservation.disabled())
                .withStages(List.of(Stage.TRAIN)));
    }

    private static void publish(PersonalizationJob job) {
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.STAGE_TRAIN, job.jobId(),
                Messages.toJson(StageRequest.of(job, Stage.TRAIN, 1, Map.of())));
    }

    @Test
    void aJobLongerThanThePollIntervalRunsOnceAndSucceeds() {
        PersonalizationJob job = job(8); // ~3.2 s of work against max.poll.interval.ms = 1.5 s
        int rebalancesBefore = consumer.rebalanceCount();
        publish(job);
        List<JobEvent> events = EventLog.untilTerminal(stack.kafkaBootstrapServers(), job.jobId(), WAIT);

        assertThat(EventLog.types(events)).startsWith(EventType.STAGE_STARTED)
                .endsWith(EventType.STAGE_COMPLETED, EventType.SUCCEEDED)
                .contains(EventType.PROGRESS);
        assertThat(events).extracting(JobEvent::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(0).source()).isEqualTo("/likeness/trainer");
        List<Progress> progress = events.stream().filter(e -> e.type() == EventType.PROGRESS)
                .map(e -> e.dataAs(Progress.class)).toList();
        assertThat(progress).extracting(Progress::step).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        String result = events.get(events.size() - 2).dataAs(StageCompleted.class).outputs().get("result");
        assertThat(result).isEqualTo("s3://likeness/jobs/" + job.jobId() + "/artifacts/result.txt");
        assertThat(events.get(events.size() - 1).dataAs(Succeeded.class).artifacts()).containsEntry("result", result);
        assertThat(new String(store.getBytes(ObjectKeys.job(job.jobId()).artifact("result.txt")),
                StandardCharsets.UTF_8)).isEqualTo("trained 8");
        JobState state = runtime.states().read(job.jobId()).orElseThrow();
        assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(state.completedStage(Stage.TRAIN).nextPublished()).isTrue();
        assertThat(runs.get(job.jobId())).hasValue(1);
        assertThat(consumer.rebalanceCount()).isEqualTo(rebalancesBefore);
    }

    @Test
    void theSameRequestTwiceRunsTheStageOnce() {
        PersonalizationJob job = job(1);
        publish(job);
        EventLog.untilTerminal(stack.kafkaBootstrapServers(), job.jobId(), WAIT);
        publish(job);
        PersonalizationJob marker = job(1);
        publish(marker); // same partition or not, wait until the consumer has certainly moved past the duplicate
        EventLog.untilTerminal(stack.kafkaBootstrapServers(), marker.jobId(), WAIT);
        List<JobEvent> events = EventLog.await(stack.kafkaBootstrapServers(), job.jobId(), e -> false,
                Duration.ofSeconds(3));
        assertThat(EventLog.types(events)).containsOnlyOnce(EventType.STAGE_STARTED, EventType.SUCCEEDED);
        assertThat(runs.get(job.jobId())).hasValue(1);
    }

    /**
     * A crash after the last stage was recorded complete but before {@code succeeded} went out: the redelivered
     * request does not run the stage again and publishes the same result, metrics included.
     */
    @Test
    void aRedeliveredLastStageRepublishesTheSavedResultWithoutRerunning() {
        PersonalizationJob job = job(7);
        publish(job);
        List<JobEvent> first = EventLog.untilTerminal(stack.kafkaBootstrapServers(), job.jobId(), WAIT);
        Succeeded original = first.get(first.size() - 1).dataAs(Succeeded.class);
        assertThat(original.metrics()).containsEntry("dino", 0.5);
        Map<String, String> outputs = runtime.states().read(job.jobId()).orElseThrow()
                .completedStage(Stage.TRAIN).outputs();
        // the state as the crash left it: stage recorded complete, next hop (succeeded) not yet published
        runtime.states().update(job.jobId(), s -> s.started(Stage.TRAIN, 1, "crashed-instance", s.updatedAt())
                .stageCompleted(Stage.TRAIN, outputs, s.updatedAt()));
        publish(job);
        List<JobEvent> all = EventLog.await(stack.kafkaBootstrapServers(), job.jobId(),
                e -> false, Duration.ofSeconds(6));
        List<JobEvent> succeeded = all.stream().filter(e -> e.type() == EventType.SUCCEEDED).toList();
        assertThat(succeeded).hasSize(2);
        assertThat(succeeded.get(1).dataAs(Succeeded.class)).isEqualTo(original);
        assertThat(runs.get(job.jobId())).hasValue(1);
    }

    @Test
    void unparseableMessagesAreDeadLetteredAndTheConsumerGoesOn() {
        String key = "job-" + UUID.randomUUID();
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.STAGE_TRAIN, key, "{not json");
        List<JobEvent> events = EventLog.untilTerminal(stack.kafkaBootstrapServers(), key, WAIT);
        Failed failed = events.get(events.size() - 1).dataAs(Failed.class);
        assertThat(failed.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(failed.stage()).isEqualTo(Stage.TRAIN);
        List<ConsumerRecord<String, String>> dead = EventLog.records(stack.kafkaBootstrapServers(), Topics.DEADLETTER,
                WAIT, r -> key.equals(r.key()));
        ConsumerRecord<String, String> letter = dead.get(dead.size() - 1);
        assertThat(letter.value()).isEqualTo("{not json");
        assertThat(new String(letter.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                .contains("not valid JSON");
        assertThat(new String(letter.headers().lastHeader(DeadLetters.TOPIC).value(), StandardCharsets.UTF_8))
                .isEqualTo(Topics.STAGE_TRAIN);

        PersonalizationJob next = job(1);
        publish(next);
        assertThat(EventLog.types(EventLog.untilTerminal(stack.kafkaBootstrapServers(), next.jobId(), WAIT)))
                .endsWith(EventType.SUCCEEDED);
    }

    @Test
    void aHandlerFailureBecomesAFailedEventWithItsCode() {
        PersonalizationJob job = job(13);
        publish(job);
        List<JobEvent> events = EventLog.untilTerminal(stack.kafkaBootstrapServers(), job.jobId(), WAIT);
        Failed failed = events.get(events.size() - 1).dataAs(Failed.class);
        assertThat(failed.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(failed.message()).contains("unlucky");
        assertThat(runtime.states().read(job.jobId()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aCancelStopsTheRunningStage() {
        PersonalizationJob job = job(50);
        publish(job);
        EventLog.await(stack.kafkaBootstrapServers(), job.jobId(), e -> e.type() == EventType.PROGRESS, WAIT);
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.CONTROL, job.jobId(),
                Messages.toJson(ControlMessage.cancel(job.jobId(), "changed my mind")));
        List<JobEvent> events = EventLog.untilTerminal(stack.kafkaBootstrapServers(), job.jobId(), WAIT);
        JobEvent last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo(EventType.CANCELLED);
        assertThat(events).filteredOn(e -> e.type() == EventType.PROGRESS).hasSizeLessThan(50);
        assertThat(runtime.states().read(job.jobId()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(runtime.states().cancelRequest(job.jobId())).isPresent();
    }
}
