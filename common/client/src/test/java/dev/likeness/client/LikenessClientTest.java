package dev.likeness.client;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.ControlAction;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.testkit.LocalStackExtension;
import dev.likeness.testkit.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a real Kafka broker and S3 server (the in-process local stack). */
@ExtendWith(LocalStackExtension.class)
class LikenessClientTest {

    private static LikenessClient client;
    private static StackEndpoints stack;

    @BeforeAll
    static void connect(StackEndpoints endpoints) {
        stack = endpoints;
        client = LikenessClient.connect(new ClientSettings(endpoints.kafkaBootstrapServers(), endpoints.s3Endpoint(),
                endpoints.s3AccessKey(), endpoints.s3SecretKey(), endpoints.s3Region(), endpoints.bucket()));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void uploadsOnlyTheImagesOfAFolderAndNamesThemByS3Uri(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("b.png"), new byte[]{1, 2, 3});
        Files.write(dir.resolve("a.jpg"), new byte[]{4, 5});
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        String jobId = LikenessClient.newJobId();

        List<String> uris = client.uploadImages(jobId, dir);

        String prefix = "s3://" + stack.bucket() + "/jobs/" + jobId + "/inputs/";
        assertThat(uris).containsExactly(prefix + "a.jpg", prefix + "b.png");
        // what a caller can count beforehand (one caption per image) is what was uploaded, in the same order
        assertThat(LikenessClient.imagesIn(dir)).containsExactly(dir.resolve("a.jpg"), dir.resolve("b.png"));
        assertThat(client.store().getBytes(ObjectKeys.job(jobId).input("b.png"))).containsExactly(1, 2, 3);
        assertThat(client.store().exists(ObjectKeys.job(jobId).input("notes.txt"))).isFalse();
    }

    @Test
    void anEmptyImageFolderIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> client.uploadImages("job-x", dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no images");
        assertThatThrownBy(() -> LikenessClient.imagesIn(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no images");
    }

    @Test
    void uploadsAModelFolderOnceAndOnlyChangedFilesAfterwards(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\":\"StableDiffusionPipeline\"}");
        Files.createDirectories(dir.resolve("unet"));
        Files.writeString(dir.resolve("unet/config.json"), "{\"seed\":\"" + System.nanoTime() + "\"}");

        String uri = client.uploadModel(dir, null);
        assertThat(uri).matches("s3://" + stack.bucket() + "/models/sha-[0-9a-f]{16}/");
        var unetKey = client.store().keyOf(dev.likeness.objectstore.ObjectUri.parse(uri + "unet/config.json"));
        var indexKey = client.store().keyOf(dev.likeness.objectstore.ObjectUri.parse(uri + "model_index.json"));
        String firstEtag = client.store().stat(indexKey).etag();
        var firstModified = client.store().stat(indexKey).lastModified();
        Thread.sleep(1100); // S3 timestamps have second resolution

        assertThat(client.uploadModel(dir, null)).isEqualTo(uri);
        assertThat(client.store().stat(indexKey).lastModified()).isEqualTo(firstModified);

        String named = client.uploadModel(dir, "named-" + System.nanoTime());
        assertThat(named).endsWith("/");
        Files.writeString(dir.resolve("unet/config.json"), "{\"changed\":true}");
        client.uploadModel(dir, named.substring(named.indexOf("/models/") + 8, named.length() - 1));
        assertThat(new String(client.store().getBytes(client.store().keyOf(
                dev.likeness.objectstore.ObjectUri.parse(named + "unet/config.json"))), StandardCharsets.UTF_8))
                .isEqualTo("{\"changed\":true}");
        assertThat(client.store().stat(indexKey).etag()).isEqualTo(firstEtag);
        assertThat(unetKey).isNotNull();
    }

    @Test
    void submitPublishesTheNormalizedJobKeyedByItsId() {
        String jobId = LikenessClient.newJobId();
        PersonalizationJob published = client.submit(PersonalizationJob.of(jobId, Method.SVDIFF,
                "s3://" + stack.bucket() + "/models/tiny/", List.of("s3://" + stack.bucket() + "/jobs/x/inputs/0.png"),
                "vase"));

        ConsumerRecord<String, String> record = TopicProbe.awaitKey(stack.kafkaBootstrapServers(), Topics.JOBS, jobId,
                Duration.ofSeconds(30)).orElseThrow();
        PersonalizationJob read = Messages.parseJob(record.value());
        assertThat(read).isEqualTo(published);
        assertThat(read.hyperParameters().svdiff()).isNotNull();
    }

    @Test
    void anInvalidJobIsRejectedBeforeItIsPublished() {
        var job = PersonalizationJob.of("bad id with spaces", Method.LORA, "s3://b/m/", List.of("s3://b/i.png"), "dog");
        assertThatThrownBy(() -> client.submit(job)).hasMessageContaining("jobId");
    }

    @Test
    void cancelPublishesAControlMessage() {
        String jobId = LikenessClient.newJobId();
        client.cancel(jobId, "changed my mind");
        ConsumerRecord<String, String> record = TopicProbe.awaitKey(stack.kafkaBootstrapServers(), Topics.CONTROL,
                jobId, Duration.ofSeconds(30)).orElseThrow();
        var control = Messages.parseControl(record.value());
        assertThat(control.action()).isEqualTo(ControlAction.CANCEL);
        assertThat(control.reason()).isEqualTo("changed my mind");
    }

    @Test
    void followReturnsTheSubjectsEventsInOrderWithoutDuplicatesUntilTheFinalOne() throws Exception {
        String jobId = LikenessClient.newJobId();
        String other = LikenessClient.newJobId();
        JobEvent started = JobEvent.of("/likeness/trainer", jobId, 1, new StageStarted(Stage.TRAIN, 1));
        JobEvent progress = JobEvent.of("/likeness/trainer", jobId, 2,
                new Progress(Stage.TRAIN, 5, 10, 0.1, 1e-3, 2.0, 2.5));
        JobEvent resent = JobEvent.of("/likeness/trainer", jobId, 2,
                new Progress(Stage.TRAIN, 5, 10, 0.1, 1e-3, 2.0, 2.5));
        JobEvent done = JobEvent.of("/likeness/evaluator", jobId, 1,
                new Succeeded(Map.of("svdiff", "s3://likeness/jobs/x/artifacts/k"), Map.of(), Map.of("dino", 0.5), null));
        client.send(Topics.EVENTS, jobId, Messages.toJson(started));
        client.send(Topics.EVENTS, other, Messages.toJson(JobEvent.of("/likeness/trainer", other, 1,
                new Failed(ErrorCode.NAN_LOSS, "nan", Stage.TRAIN))));
        client.send(Topics.EVENTS, jobId, Messages.toJson(progress));
        client.send(Topics.EVENTS, jobId, Messages.toJson(resent));
        client.send(Topics.EVENTS, jobId, "{not json");
        client.send(Topics.EVENTS, jobId, Messages.toJson(done));

        List<JobEvent> seen = new ArrayList<>();
        JobEvent last = client.follow(jobId, Duration.ofSeconds(30), seen::add);

        assertThat(seen).extracting(JobEvent::id).containsExactly(started.id(), progress.id(), done.id());
        assertThat(last.dataAs(Succeeded.class).metrics()).containsEntry("dino", 0.5);
    }

    @Test
    void followTimesOutWhenNoFinalEventComes() {
        String jobId = LikenessClient.newJobId();
        client.send(Topics.EVENTS, jobId, Messages.toJson(JobEvent.of("/likeness/trainer", jobId, 1,
                new StageStarted(Stage.TRAIN, 1))));
        List<JobEvent> seen = new ArrayList<>();
        assertThatThrownBy(() -> client.follow(jobId, Duration.ofSeconds(3), seen::add))
                .isInstanceOf(TimeoutException.class).hasMessageContaining(jobId);
        assertThat(seen).hasSize(1);
    }

    @Test
    void fetchDownloadsArtifactsAndReport(@TempDir Path out) {
        String jobId = LikenessClient.newJobId();
        var keys = ObjectKeys.job(jobId);
        client.store().put(keys.artifact("svdiff.safetensors"), new byte[]{9, 9}, "application/octet-stream");
        client.store().put(keys.report().resolve("index.html"), "<html/>".getBytes(StandardCharsets.UTF_8),
                "text/html");
        client.store().put(keys.report().resolve("images/g-0.png"), new byte[]{1}, "image/png");

        FetchedJob fetched = client.fetch(jobId, out);

        assertThat(fetched.artifacts()).containsExactly(out.resolve("artifacts/svdiff.safetensors"));
        assertThat(fetched.report()).containsExactlyInAnyOrder(out.resolve("report/index.html"),
                out.resolve("report/images/g-0.png"));
        assertThat(fetched.reportHtml()).isEqualTo(out.resolve("report/index.html"));
        assertThat(client.presignedUrl(client.store().uri(keys.artifact("svdiff.safetensors")).toString(),
                Duration.ofMinutes(5)).toString()).startsWith(stack.s3Endpoint().toString());
    }

    @Test
    void fetchOfAnUnfinishedJobSaysSo(@TempDir Path out) {
        assertThatThrownBy(() -> client.fetch(LikenessClient.newJobId(), out)).hasMessageContaining("has no artifacts");
    }
}
