package dev.likeness.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.client.ClientSettings;
import dev.likeness.client.LikenessClient;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.EvaluationProtocol;
import dev.likeness.contracts.jobs.EvaluationSettings;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.SamplerSettings;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.metrics.report.ReportWriter;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.testkit.InjectLocalStack;
import dev.likeness.testkit.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/**
 * The evaluate stage against a real Kafka broker and S3 server (child-JVM local stack): a tiny random model, drawn
 * subject images and an SVDiff artifact trained for one step, evaluated with the random encoders.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class EvaluatorServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static LikenessClient client;
    private static String model;
    private static Path images;
    private static Path artifact;

    @InjectLocalStack
    StackEndpoints stack;

    @BeforeEach
    void prepare() throws Exception {
        if (client != null) {
            return;
        }
        client = LikenessClient.connect(new ClientSettings(stack.kafkaBootstrapServers(), stack.s3Endpoint(),
                stack.s3AccessKey(), stack.s3SecretKey(), stack.s3Region(), stack.bucket()));
        Path tmp = Files.createTempDirectory("evaluator-test");
        Path modelDir = TinyModelGenerator.write(tmp.resolve("tiny-sd"), TinyModelGenerator.tinySd(), 0);
        model = client.uploadModel(modelDir, "evaluator-test-tiny");
        images = TinyJobs.vaseImages(tmp.resolve("images"), 3);
        artifact = TinyJobs.train("svdiff", modelDir, images, tmp.resolve("artifact"), 1);
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Test
    void healthIsUpWithKafkaAndS3Checks() {
        given().get("/q/health").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("kafka", "s3", "consumers"))
                .body("checks.status", hasItems("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void metricsArePrometheusText() {
        given().get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("application=\"likeness-evaluator\""));
    }

    @Test
    void evaluatesTheTrainedArtifactAndPublishesSucceededWithMetricsAndReport() throws Exception {
        String jobId = LikenessClient.newJobId();
        PersonalizationJob job = job(jobId);
        client.store().uploadFolder(artifact, ObjectKeys.job(jobId).artifacts());
        String artifacts = client.store().uri(ObjectKeys.job(jobId).artifacts()).toString();
        client.send(Topics.STAGE_EVALUATE, jobId, Messages.toJson(StageRequest.of(job, Stage.EVALUATE, 1,
                Map.of("artifact", artifacts))));

        List<JobEvent> events = new ArrayList<>();
        JobEvent last = client.follow(jobId, WAIT, events::add);

        assertThat(last.type()).as("events: %s", events).isEqualTo(EventType.SUCCEEDED);
        assertThat(events).extracting(JobEvent::type).contains(EventType.STAGE_STARTED, EventType.PROGRESS,
                EventType.STAGE_COMPLETED);
        Succeeded done = last.dataAs(Succeeded.class);
        assertThat(done.metrics()).containsKeys("dino", "clip-i", "clip-t", "div", "pres");
        done.metrics().values().forEach(v -> assertThat(v).isFinite());
        assertThat(done.artifacts()).containsEntry("artifact", artifacts)
                .containsKey("artifact/spectral_shifts.safetensors");
        assertThat(done.report()).isEqualTo("s3://" + stack.bucket() + "/jobs/" + jobId + "/report/index.html");
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(done.downloads().get("report.html"))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html");

        JsonNode report = new ObjectMapper().readTree(client.store().getBytes(
                ObjectKeys.job(jobId).report().resolve(ReportWriter.JSON_FILE)));
        assertThat(report.toString()).contains("\"encodersUntrained\":true");
        // 2 prompts x 2 seeds generated, 2 class images, 3 real images: all in the report folder
        long pngs = client.store().list(ObjectKeys.job(jobId).report()).stream()
                .filter(o -> o.key().name().endsWith(".png")).count();
        assertThat(pngs).isGreaterThanOrEqualTo(4 + 2 + 3);
    }

    @Test
    void aJobWithoutArtifactFailsWithModelInvalid() throws Exception {
        String jobId = LikenessClient.newJobId();
        client.send(Topics.STAGE_EVALUATE, jobId, Messages.toJson(StageRequest.of(job(jobId), Stage.EVALUATE, 1,
                Map.of())));
        JobEvent last = client.follow(jobId, WAIT, e -> { });
        assertThat(last.type()).isEqualTo(EventType.FAILED);
        Failed failed = last.dataAs(Failed.class);
        assertThat(failed.code()).isEqualTo(ErrorCode.MODEL_INVALID);
        assertThat(failed.stage()).isEqualTo(Stage.EVALUATE);
        assertThat(failed.message()).contains("no trained artifact");
    }

    private PersonalizationJob job(String jobId) {
        List<String> uris = client.uploadImages(jobId, images);
        return Messages.normalize(PersonalizationJob.of(jobId, Method.SVDIFF, model, uris, "vase")
                .withHyperParameters(HyperParameters.defaults().withSteps(1).withResolution(64))
                .withPriorPreservation(PriorPreservation.disabled())
                .withStages(List.of(Stage.TRAIN, Stage.EVALUATE))
                .withEvaluation(new EvaluationSettings(EvaluationProtocol.CUSTOM,
                        List.of("a photo of {identifier} {classNoun}", "a {identifier} {classNoun} on a beach"), 2,
                        List.of(0L, 1L), new SamplerSettings(2, 7.5, SchedulerName.DDIM))));
    }
}
