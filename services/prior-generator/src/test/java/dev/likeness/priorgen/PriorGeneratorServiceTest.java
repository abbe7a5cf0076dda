package dev.likeness.priorgen;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.Accepted;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.jobs.EventLog;
import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectSummary;
import dev.likeness.objectstore.ObjectUri;
import dev.likeness.testkit.InjectLocalStack;
import dev.likeness.testkit.LocalStackTestResource;
import dev.likeness.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** The service against a real Kafka broker and S3 server (child-JVM local stack), with a tiny random model. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class PriorGeneratorServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @InjectLocalStack
    StackEndpoints stack;

    ObjectStore store;

    @BeforeEach
    void openStore() {
        store = Fixtures.store(stack);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void submit(PersonalizationJob job) {
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.JOBS, job.jobId(), Messages.toJson(job));
    }

    private List<JobEvent> eventsUntil(String jobId, EventType type) {
        List<JobEvent> events = EventLog.await(stack.kafkaBootstrapServers(), jobId,
                e -> e.type() == type || e.type().terminal(), WAIT);
        assertThat(events).as("events of " + jobId).isNotEmpty();
        assertThat(events.get(events.size() - 1).type()).as("last event of " + jobId + ": " + events)
                .isEqualTo(type);
        return events;
    }

    private StageRequest trainRequest(String jobId) {
        ConsumerRecord<String, String> r = TopicProbe.awaitKey(stack.kafkaBootstrapServers(), Topics.STAGE_TRAIN,
                jobId, WAIT).orElseThrow(() -> new AssertionError("no train request for " + jobId));
        return Messages.parseStageRequest(r.value());
    }

    private static double metric(String name) {
        String body = RestAssured.get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(body);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
        }
        return total;
    }

    @Test
    void healthIsUpWithKafkaS3AndConsumerChecks() {
        given().get("/q/health").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("kafka", "s3", "consumers"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void metricsArePrometheusText() {
        given().get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("application=\"likeness-prior-generator\""))
                .body(containsString("likeness_stage_messages_total"));
    }

    @Test
    void aJobIsAcceptedItsClassImagesGeneratedAndItIsRoutedToTraining() throws Exception {
        String model = Fixtures.tinyModel(store);
        String jobId = Fixtures.newJobId();
        String image = Fixtures.subjectImage(store, jobId, "dog.png", 48);
        PersonalizationJob job = Fixtures.job(jobId, model, List.of(image), "a photo of dog " + jobId, 2);
        submit(job);

        List<JobEvent> events = eventsUntil(jobId, EventType.STAGE_COMPLETED);
        assertThat(EventLog.types(events)).containsExactly(EventType.ACCEPTED, EventType.STAGE_STARTED,
                EventType.PROGRESS, EventType.PROGRESS, EventType.STAGE_COMPLETED);
        assertThat(events.get(0).dataAs(Accepted.class).stages()).containsExactly(Stage.PRIOR, Stage.TRAIN);
        assertThat(events.get(1).dataAs(StageStarted.class)).isEqualTo(new StageStarted(Stage.PRIOR, 1));
        assertThat(events).extracting(JobEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
        String folder = events.get(4).dataAs(StageCompleted.class).outputs().get(ClassImageStage.OUTPUT);
        assertThat(folder).startsWith("s3://" + stack.bucket() + "/cache/class-images/").endsWith("/");
        ObjectKey prefix = store.keyOf(ObjectUri.parse(folder));
        assertThat(store.list(prefix)).extracting(o -> o.key().relativeTo(prefix))
                .containsExactly("00000.png", "00001.png");

        StageRequest next = trainRequest(jobId);
        assertThat(next.stage()).isEqualTo(Stage.TRAIN);
        assertThat(next.artifacts()).containsEntry(ClassImageStage.OUTPUT, folder);
        assertThat(next.job()).isEqualTo(job);
    }

    @Test
    void aSecondJobWithTheSameClassSettingsGeneratesOnlyTheMissingImages() throws Exception {
        String model = Fixtures.tinyModel(store);
        String classPrompt = "a photo of cat " + Fixtures.newJobId();
        String first = Fixtures.newJobId();
        submit(Fixtures.job(first, model, List.of(Fixtures.subjectImage(store, first, "a.png", 40)), classPrompt, 2));
        String folder = eventsUntil(first, EventType.STAGE_COMPLETED).stream()
                .filter(e -> e.type() == EventType.STAGE_COMPLETED).findFirst().orElseThrow()
                .dataAs(StageCompleted.class).outputs().get(ClassImageStage.OUTPUT);
        ObjectKey prefix = store.keyOf(ObjectUri.parse(folder));
        Map<String, String> etagsBefore = store.list(prefix).stream()
                .collect(Collectors.toMap(o -> o.key().value(), ObjectSummary::etag));
        double generatedBefore = metric("likeness_class_images_generated_total");
        double reusedBefore = metric("likeness_class_images_reused_total");

        String second = Fixtures.newJobId();
        submit(Fixtures.job(second, model, List.of(Fixtures.subjectImage(store, second, "b.png", 40)), classPrompt,
                3));
        List<JobEvent> events = eventsUntil(second, EventType.STAGE_COMPLETED);

        assertThat(events.get(events.size() - 1).dataAs(StageCompleted.class).outputs())
                .containsEntry(ClassImageStage.OUTPUT, folder);
        assertThat(events).filteredOn(e -> e.type() == EventType.PROGRESS).hasSize(1); // one image made
        assertThat(metric("likeness_class_images_generated_total") - generatedBefore).isEqualTo(1.0);
        assertThat(metric("likeness_class_images_reused_total") - reusedBefore).isEqualTo(2.0);
        Map<String, String> etagsAfter = store.list(prefix).stream()
                .collect(Collectors.toMap(o -> o.key().value(), ObjectSummary::etag));
        assertThat(etagsAfter).hasSize(3).containsAllEntriesOf(etagsBefore);
    }

    @Test
    void theSameJobPublishedTwiceIsAcceptedAndRoutedOnce() throws Exception {
        String model = Fixtures.tinyModel(store);
        String jobId = Fixtures.newJobId();
        PersonalizationJob job = Fixtures.job(jobId, model, List.of(Fixtures.subjectImage(store, jobId, "x.png", 32)),
                "a photo of dog", 1);
        submit(job);
        submit(job);
        eventsUntil(jobId, EventType.STAGE_COMPLETED);
        // a later job on the intake proves the duplicate has been consumed
        String later = Fixtures.newJobId();
        submit(Fixtures.job(later, model, List.of(Fixtures.subjectImage(store, later, "y.png", 32)),
                "a photo of dog", 1));
        eventsUntil(later, EventType.STAGE_COMPLETED);

        List<JobEvent> all = EventLog.await(stack.kafkaBootstrapServers(), jobId, e -> false, Duration.ofSeconds(3));
        assertThat(EventLog.types(all)).containsOnlyOnce(EventType.ACCEPTED, EventType.STAGE_STARTED,
                EventType.STAGE_COMPLETED);
        List<ConsumerRecord<String, String>> requests = EventLog.records(stack.kafkaBootstrapServers(),
                Topics.STAGE_TRAIN, Duration.ofSeconds(3), r -> false);
        assertThat(requests).filteredOn(r -> jobId.equals(r.key())).hasSize(1);
    }

    @Test
    void badJobsFailWithTheirCodeAndTheIntakeKeepsConsuming() throws Exception {
        String model = Fixtures.tinyModel(store);

        String malformed = Fixtures.newJobId();
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.JOBS, malformed, "{\"schema\": \"likeness.job/v1\",");
        assertFailed(malformed, ErrorCode.MALFORMED_MESSAGE);
        ConsumerRecord<String, String> letter = EventLog.records(stack.kafkaBootstrapServers(), Topics.DEADLETTER,
                WAIT, r -> malformed.equals(r.key())).stream().filter(r -> malformed.equals(r.key())).findFirst()
                .orElseThrow();
        assertThat(new String(letter.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                .contains("not valid JSON");

        String unknownMethod = Fixtures.newJobId();
        String json = Messages.toJson(Fixtures.job(unknownMethod, model,
                List.of(Fixtures.subjectImage(store, unknownMethod, "a.png", 32)), "a photo of dog", 1));
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.JOBS, unknownMethod,
                json.replace("\"dreambooth\"", "\"hypernetwork\""));
        assertFailed(unknownMethod, ErrorCode.UNKNOWN_METHOD);

        String negativeSteps = Fixtures.newJobId();
        String good = Messages.toJson(Fixtures.job(negativeSteps, model,
                List.of(Fixtures.subjectImage(store, negativeSteps, "a.png", 32)), "a photo of dog", 1));
        TopicProbe.send(stack.kafkaBootstrapServers(), Topics.JOBS, negativeSteps,
                good.replace("\"steps\":2,\"learningRate\"", "\"steps\":-5,\"learningRate\""));
        assertFailed(negativeSteps, ErrorCode.INVALID_PARAMETER);

        String missing = Fixtures.newJobId();
        submit(Fixtures.job(missing, model, List.of("s3://" + stack.bucket() + "/jobs/" + missing + "/inputs/no.png"),
                "a photo of dog", 1));
        assertFailed(missing, ErrorCode.MISSING_IMAGE);

        String tooLarge = Fixtures.newJobId();
        String big = Fixtures.rawInput(store, tooLarge, "big.png", new byte[300_000]); // limit in tests: 200 kB
        submit(Fixtures.job(tooLarge, model, List.of(big), "a photo of dog", 1));
        assertFailed(tooLarge, ErrorCode.IMAGE_TOO_LARGE);

        String ok = Fixtures.newJobId();
        submit(Fixtures.job(ok, model, List.of(Fixtures.subjectImage(store, ok, "a.png", 32)), "a photo of dog", 1));
        eventsUntil(ok, EventType.STAGE_COMPLETED);
    }

    private void assertFailed(String jobId, ErrorCode code) {
        List<JobEvent> events = eventsUntil(jobId, EventType.FAILED);
        Failed failed = events.get(events.size() - 1).dataAs(Failed.class);
        assertThat(failed.code()).as(failed.message()).isEqualTo(code);
        assertThat(events).extracting(JobEvent::type).doesNotContain(EventType.ACCEPTED);
    }
}
