package dev.likeness.trainer;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.jobs.EventLog;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectUri;
import dev.likeness.testkit.InjectLocalStack;
import dev.likeness.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** The trainer against a real Kafka broker and S3 server (child-JVM local stack), with a tiny random model. */
@QuarkusTest
@WithTestResource(TrainerStackResource.class)
class TrainerServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @InjectLocalStack
    StackEndpoints stack;

    @Inject
    TrainerService service;

    ObjectStore store;

    @BeforeEach
    void openStore() {
        store = Fixtures.store(stack);
        TrainerStackResource.proxy().setUp(true);
    }

    @AfterEach
    void closeStore() {
        TrainerStackResource.proxy().setUp(true);
        store.close();
    }

    private void publish(PersonalizationJob job) {
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.STAGE_TRAIN, job.jobId(),
                Messages.toJson(StageRequest.of(job, Stage.TRAIN, 1, Map.of())));
    }

    private List<JobEvent> eventsUntil(String jobId, EventType type) {
        List<JobEvent> events = EventLog.await(stack.kafkaBootstrapServers(), jobId,
                e -> e.type() == type || e.type().terminal(), WAIT);
        assertThat(events).as("events of " + jobId).isNotEmpty();
        assertThat(events.get(events.size() - 1).type()).as("last event of " + jobId + ": " + events)
                .isEqualTo(type);
        return events;
    }

    private Failed failure(String jobId) {
        List<JobEvent> events = eventsUntil(jobId, EventType.FAILED);
        return events.get(events.size() - 1).dataAs(Failed.class);
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItems("kafka", "s3", "consumers"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("application=\"likeness-trainer\""))
                .body(containsString("likeness_stage_messages_total"));
    }

    private static final int STEPS = 40;

    @Test
    void aJobTrainsCheckpointsWritesItsArtifactAndMovesOnToEvaluation() throws Exception {
        String model = Fixtures.tinyModel(store);
        String jobId = Fixtures.newJobId();
        PersonalizationJob job = Fixtures.loraJob(jobId, model,
                List.of(Fixtures.subjectImage(store, jobId, "a.png", 72), Fixtures.subjectImage(store, jobId, "b.png",
                        64)), STEPS)
                // one caption per image: the service's path from the job's instanceCaptions to the training loop
                .withInstanceCaptions(List.of("a photo of {identifier} {classNoun} on grass",
                        "a {identifier} {classNoun} at night"));
        int rebalances = service.consumer().rebalanceCount();
        publish(job);

        // enough steps that the stage always outlasts max.poll.interval.ms (2 s in tests), however fast a step is
        List<JobEvent> events = eventsUntil(jobId, EventType.STAGE_COMPLETED);
        int last = events.size() - 1;
        assertThat(EventLog.types(events).get(0)).isEqualTo(EventType.STAGE_STARTED);
        assertThat(EventLog.types(events).get(last)).isEqualTo(EventType.STAGE_COMPLETED);
        assertThat(EventLog.types(events).subList(1, last)).containsOnly(EventType.PROGRESS);
        assertThat(events.get(0).dataAs(StageStarted.class)).isEqualTo(new StageStarted(Stage.TRAIN, 1));
        List<Progress> progress = events.subList(1, last).stream().map(e -> e.dataAs(Progress.class)).toList();
        assertThat(progress).extracting(Progress::step).isSorted().doesNotHaveDuplicates().endsWith(STEPS);
        assertThat(progress).allSatisfy(p -> {
            assertThat(p.totalSteps()).isEqualTo(STEPS);
            assertThat(p.loss()).isPositive();
            assertThat(p.lr()).isEqualTo(1e-3, org.assertj.core.data.Offset.offset(1e-9));
        });
        String artifact = events.get(last).dataAs(StageCompleted.class).outputs().get(TrainStage.OUTPUT);
        assertThat(artifact).isEqualTo("s3://" + stack.bucket() + "/jobs/" + jobId + "/artifacts/");
        ObjectKey folder = store.keyOf(ObjectUri.parse(artifact));
        assertThat(store.list(folder)).isNotEmpty()
                .allSatisfy(o -> assertThat(o.size()).isPositive());
        // the checkpoint at step 2 was recorded and its files are whole
        assertThat(store.list(ObjectKeys.job(jobId).checkpoints())).extracting(o -> o.key().name())
                .contains("trainable.safetensors", "optimizer.safetensors", "trainer_state.json");

        ConsumerRecord<String, String> next = TopicProbe.awaitKey(stack.kafkaBootstrapServers(),
                Topics.STAGE_EVALUATE, jobId, WAIT).orElseThrow();
        StageRequest evaluate = Messages.parseStageRequest(next.value());
        assertThat(evaluate.stage()).isEqualTo(Stage.EVALUATE);
        assertThat(evaluate.artifacts()).containsEntry(TrainStage.OUTPUT, artifact);

        // the stage outlasted max.poll.interval.ms (2 s in tests) without the group taking it away
        Duration took = Duration.between(events.get(0).time(), events.get(last).time());
        assertThat(took).isGreaterThan(Duration.ofMillis(2000));
        assertThat(service.consumer().rebalanceCount()).isEqualTo(rebalances);
    }

    @Test
    void badImagesFailWithTheirCodeAndTheTrainerKeepsConsuming() throws Exception {
        String model = Fixtures.tinyModel(store);
        String corrupt = Fixtures.newJobId();
        publish(Fixtures.loraJob(corrupt, model, List.of(Fixtures.rawInput(store, corrupt, "x.png",
                "this is not a PNG".getBytes())), 2));
        assertThat(failure(corrupt).code()).isEqualTo(ErrorCode.CORRUPT_IMAGE);

        String missing = Fixtures.newJobId();
        publish(Fixtures.loraJob(missing, model, List.of("s3://" + stack.bucket() + "/jobs/" + missing
                + "/inputs/gone.png"), 2));
        Failed failed = failure(missing);
        assertThat(failed.code()).isEqualTo(ErrorCode.MISSING_IMAGE);
        assertThat(failed.stage()).isEqualTo(Stage.TRAIN);

        String garbage = Fixtures.newJobId();
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.STAGE_TRAIN, garbage, "[1, 2, 3]");
        assertThat(failure(garbage).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);

        String ok = Fixtures.newJobId();
        publish(Fixtures.loraJob(ok, model, List.of(Fixtures.subjectImage(store, ok, "a.png", 64)), 1));
        eventsUntil(ok, EventType.STAGE_COMPLETED);
    }

    @Test
    void aNanLossFailsTheJobWithNanLoss() throws Exception {
        String model = Fixtures.nanModel(store);
        String jobId = Fixtures.newJobId();
        publish(Fixtures.loraJob(jobId, model, List.of(Fixtures.subjectImage(store, jobId, "a.png", 64)), 3));
        Failed failed = failure(jobId);
        assertThat(failed.code()).isEqualTo(ErrorCode.NAN_LOSS);
        assertThat(failed.message()).contains("NaN");
    }

    @Test
    void aCancelStopsTrainingAtTheNextStep() throws Exception {
        String model = Fixtures.tinyModel(store);
        String jobId = Fixtures.newJobId();
        publish(Fixtures.loraJob(jobId, model, List.of(Fixtures.subjectImage(store, jobId, "a.png", 64)), 400));
        EventLog.await(stack.kafkaBootstrapServers(), jobId, e -> e.type() == EventType.PROGRESS, WAIT);
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.CONTROL, jobId,
                Messages.toJson(ControlMessage.cancel(jobId, "test cancel")));
        List<JobEvent> events = eventsUntil(jobId, EventType.CANCELLED);
        assertThat(events).filteredOn(e -> e.type() == EventType.PROGRESS).hasSizeLessThan(400);
        assertThat(store.exists(ObjectKeys.job(jobId).artifacts().resolve("pytorch_lora_weights.safetensors")))
                .isFalse();
    }

    @Test
    void anObjectStoreOutageFailsWithStoreUnavailableAfterRetriesAndTheTrainerRecovers() throws Exception {
        String model = Fixtures.tinyModel(store);
        String jobId = Fixtures.newJobId();
        PersonalizationJob job = Fixtures.loraJob(jobId, model,
                List.of(Fixtures.subjectImage(store, jobId, "a.png", 64)), 2);
        TrainerStackResource.proxy().setUp(false);
        publish(job);
        Failed failed = failure(jobId);
        assertThat(failed.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(failed.stage()).isEqualTo(Stage.TRAIN);

        TrainerStackResource.proxy().setUp(true);
        String next = Fixtures.newJobId();
        publish(Fixtures.loraJob(next, model, List.of(Fixtures.subjectImage(store, next, "a.png", 64)), 1));
        eventsUntil(next, EventType.STAGE_COMPLETED);
    }
}
