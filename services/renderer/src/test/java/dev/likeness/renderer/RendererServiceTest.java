package dev.likeness.renderer;

import dev.likeness.client.ClientSettings;
import dev.likeness.client.LikenessClient;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.events.RenderFailed;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.render.ArtifactKind;
import dev.likeness.contracts.render.ArtifactRef;
import dev.likeness.contracts.render.RenderRequest;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectUri;
import dev.likeness.renderer.render.Renderer;
import dev.likeness.testkit.InjectLocalStack;
import dev.likeness.testkit.LocalStackTestResource;
import dev.likeness.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** The renderer against a real Kafka broker and S3 server (child-JVM local stack), with a tiny random model. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class RendererServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static LikenessClient client;
    private static String model;

    @InjectLocalStack
    StackEndpoints stack;

    @BeforeEach
    void connect() throws Exception {
        if (client == null) {
            client = LikenessClient.connect(new ClientSettings(stack.kafkaBootstrapServers(), stack.s3Endpoint(),
                    stack.s3AccessKey(), stack.s3SecretKey(), stack.s3Region(), stack.bucket()));
            Path dir = Files.createTempDirectory("tiny-sd");
            TinyModelGenerator.write(dir, TinyModelGenerator.tinySd(), 0);
            model = client.uploadModel(dir, "renderer-test-tiny");
        }
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
                .body(containsString("application=\"likeness-renderer\""));
    }

    @Test
    void rendersEveryPromptAndSeedWithAContactSheetAndAnswersARepeatFromTheManifest() throws Exception {
        String id = LikenessClient.newId("render");
        client.submitRender(request(id, List.of("a photo of a vase", "a red vase on a table"), List.of(3L, 7L),
                List.of()));
        RenderCompleted done = client.follow(id, WAIT, e -> { }).dataAs(RenderCompleted.class);

        String prefix = "s3://" + stack.bucket() + "/renders/" + id + "/";
        assertThat(done.images()).containsExactly(prefix + Renderer.imageName(0, 3), prefix + Renderer.imageName(0, 7),
                prefix + Renderer.imageName(1, 3), prefix + Renderer.imageName(1, 7));
        assertThat(done.downloads()).hasSize(4);
        byte[] first = client.store().getBytes(keyOf(done.images().get(0)));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(first));
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
        // the presigned URL serves the same bytes without credentials
        HttpResponse<byte[]> http = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(done.downloads().get(0))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(http.statusCode()).isEqualTo(200);
        assertThat(http.body()).isEqualTo(first);
        // different seeds give different images
        assertThat(client.store().getBytes(keyOf(done.images().get(1)))).isNotEqualTo(first);
        BufferedImage sheet = ImageIO.read(new ByteArrayInputStream(client.store().getBytes(
                ObjectKeys.renders(id).resolve(Renderer.CONTACT_SHEET))));
        assertThat(sheet.getWidth()).isGreaterThanOrEqualTo(2 * 64);
        assertThat(sheet.getHeight()).isGreaterThanOrEqualTo(2 * 64);
        var firstWrite = client.store().stat(keyOf(done.images().get(0))).lastModified();

        // the same request again (a redelivery or a resubmission) is answered without rendering anew
        client.send(Topics.RENDER, id, dev.likeness.contracts.Messages.toJson(
                request(id, List.of("a photo of a vase", "a red vase on a table"), List.of(3L, 7L), List.of())));
        List<JobEvent> answers = new ArrayList<>();
        TopicProbe.await(stack.kafkaBootstrapServers(), Topics.EVENTS, r -> {
            if (id.equals(r.key())) {
                answers.add(dev.likeness.contracts.Messages.parseEvent(r.value()));
            }
            return answers.size() == 2;
        }, WAIT);
        assertThat(answers).hasSize(2);
        assertThat(answers.get(1).dataAs(RenderCompleted.class).images()).isEqualTo(done.images());
        assertThat(client.store().stat(keyOf(done.images().get(0))).lastModified()).isEqualTo(firstWrite);

        // one model for every render of this test class: loaded once, then served from the cache
        given().get("/q/metrics").then().body(containsString("likeness_render_model_loads_total{"))
                .body(containsString("likeness_render_model_loads_total{application=\"likeness-renderer\"} 1.0"));

        // the same prompt and seed under another request id renders the same pixels (seeded noise)
        String again = LikenessClient.newId("render");
        client.submitRender(request(again, List.of("a photo of a vase"), List.of(3L), List.of()));
        RenderCompleted repeat = client.follow(again, WAIT, e -> { }).dataAs(RenderCompleted.class);
        assertThat(client.store().getBytes(keyOf(repeat.images().get(0)))).isEqualTo(first);
    }

    @Test
    void appliesSvdiffDeltasWithTheirWeightsAndLoraWithItsScale() throws Exception {
        Path tmp = Files.createTempDirectory("renderer-artifacts");
        Path modelDir = TinyModelGenerator.write(tmp.resolve("tiny-sd"), TinyModelGenerator.tinySd(), 0);
        Path images = TinyJobs.vaseImages(tmp.resolve("images"), 2);
        String svdiff = upload(TinyJobs.train("svdiff", modelDir, images, tmp.resolve("svdiff"), 1),
                "spectral_shifts.safetensors");
        String lora = upload(TinyJobs.train("lora", modelDir, images, tmp.resolve("lora"), 1),
                "pytorch_lora_weights.safetensors");

        byte[] base = renderOne(List.of());
        assertThat(renderOne(List.of(new ArtifactRef(ArtifactKind.SVDIFF, svdiff, 0.0))))
                .as("a zero-weighted delta leaves the base model").isEqualTo(base);
        byte[] full = renderOne(List.of(new ArtifactRef(ArtifactKind.SVDIFF, svdiff, 1.0)));
        assertThat(full).isNotEqualTo(base);
        assertThat(renderOne(List.of(new ArtifactRef(ArtifactKind.SVDIFF, svdiff, 0.5),
                new ArtifactRef(ArtifactKind.SVDIFF, svdiff, 0.5))))
                .as("two deltas combine as sigma + sum of w_i * delta_i").isEqualTo(full);
        assertThat(renderOne(List.of(new ArtifactRef(ArtifactKind.LORA, lora, 0.0)))).isEqualTo(base);
        assertThat(renderOne(List.of(new ArtifactRef(ArtifactKind.LORA, lora, 1.0)))).isNotEqualTo(base);
        // the cached base model is restored after every render
        assertThat(renderOne(List.of())).isEqualTo(base);
    }

    private static String upload(Path artifactDir, String file) {
        String jobId = LikenessClient.newJobId();
        client.store().uploadFolder(artifactDir, ObjectKeys.job(jobId).artifacts());
        return client.store().uri(ObjectKeys.job(jobId).artifact(file)).toString();
    }

    private static byte[] renderOne(List<ArtifactRef> refs) throws Exception {
        String id = LikenessClient.newId("render");
        client.submitRender(request(id, List.of("a photo of a vase"), List.of(11L), refs));
        JobEvent last = client.follow(id, WAIT, e -> { });
        assertThat(last.type()).as("%s", last).isEqualTo(EventType.RENDER_COMPLETED);
        return client.store().getBytes(keyOf(last.dataAs(RenderCompleted.class).images().get(0)));
    }

    @Test
    void aMissingArtifactFailsTheRenderWithModelInvalid() throws Exception {
        String id = LikenessClient.newId("render");
        client.submitRender(request(id, List.of("a vase"), List.of(0L), List.of(ArtifactRef.of(ArtifactKind.SVDIFF,
                "s3://" + stack.bucket() + "/jobs/nope/artifacts/spectral_shifts.safetensors"))));
        JobEvent last = client.follow(id, WAIT, e -> { });
        assertThat(last.type()).isEqualTo(EventType.RENDER_FAILED);
        RenderFailed failed = last.dataAs(RenderFailed.class);
        assertThat(failed.code()).isEqualTo(ErrorCode.MODEL_INVALID);
        assertThat(failed.message()).contains("does not exist");
    }

    @Test
    void aBrokenMessageIsDeadLetteredAndTheRendererKeepsConsuming() throws Exception {
        String id = LikenessClient.newId("render");
        client.send(Topics.RENDER, id, "{\"schema\": \"likeness.render/v1\", \"requestId\": ");

        ConsumerRecord<String, String> dead = TopicProbe.awaitKey(stack.kafkaBootstrapServers(), Topics.DEADLETTER,
                id, WAIT).orElseThrow(() -> new AssertionError("nothing dead-lettered for " + id));
        assertThat(new String(dead.headers().lastHeader(DeadLetters.CODE).value(), StandardCharsets.UTF_8))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE.name());
        JobEvent rejected = client.follow(id, WAIT, e -> { });
        assertThat(rejected.dataAs(RenderFailed.class).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);

        String next = LikenessClient.newId("render");
        client.submitRender(request(next, List.of("a vase"), List.of(1L), List.of()));
        assertThat(client.follow(next, WAIT, e -> { }).type()).isEqualTo(EventType.RENDER_COMPLETED);
    }

    private static RenderRequest request(String id, List<String> prompts, List<Long> seeds, List<ArtifactRef> refs) {
        return new RenderRequest(RenderRequest.SCHEMA, id, model, prompts, "", refs, seeds, 2, SchedulerName.DDIM,
                7.5, 64, 64);
    }

    private static dev.likeness.objectstore.ObjectKey keyOf(String uri) {
        return client.store().keyOf(ObjectUri.parse(uri));
    }
}
