package dev.likeness.e2e;

import dev.likeness.client.ClientSettings;
import dev.likeness.client.FetchedJob;
import dev.likeness.client.LikenessClient;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.StageStarted;
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
import dev.likeness.contracts.render.ArtifactKind;
import dev.likeness.contracts.render.ArtifactRef;
import dev.likeness.contracts.render.RenderRequest;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.testkit.LocalStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole system: the four packaged services as processes against a real Kafka broker and S3 server. A user
 * (through {@link LikenessClient}) submits an SVDiff job with prior preservation and evaluation and follows it to
 * {@code succeeded}; then renders with the trained artifact.
 */
@ExtendWith(LocalStackExtension.class)
class JobFlowIT {

    private static final List<String> SERVICES = List.of("prior-generator", "trainer", "evaluator", "renderer");
    private static final List<ServiceProcess> running = new ArrayList<>();
    private static LikenessClient client;
    private static Path work;

    @BeforeAll
    static void startServices(StackEndpoints stack) throws Exception {
        Path repo = Path.of(System.getProperty("likeness.repo", "../..")).toAbsolutePath().normalize();
        work = Files.createDirectories(Path.of("target/e2e").toAbsolutePath());
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.put("LIKENESS_JOBS_PROGRESS_MIN_INTERVAL", "0s");
        env.put("LIKENESS_EVALUATOR_PROGRESS_MIN_INTERVAL", "0s");
        for (String name : SERVICES) {
            running.add(ServiceProcess.start(repo, name, env, work));
        }
        for (ServiceProcess s : running) {
            s.awaitReady(Duration.ofSeconds(120));
        }
        client = LikenessClient.connect(new ClientSettings(stack.kafkaBootstrapServers(), stack.s3Endpoint(),
                stack.s3AccessKey(), stack.s3SecretKey(), stack.s3Region(), stack.bucket()));
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (client != null) {
            client.close();
        }
        for (ServiceProcess s : running) {
            s.close();
        }
    }

    @Test
    void aJobRunsPriorTrainEvaluateToSucceededAndItsArtifactRenders() throws Exception {
        Path model = TinyModelGenerator.write(work.resolve("tiny-sd"), TinyModelGenerator.tinySd(), 0);
        String modelUri = client.uploadModel(model, null);
        String jobId = LikenessClient.newJobId();
        List<String> images = client.uploadImages(jobId, vases(work.resolve("vases"), 3));
        PersonalizationJob job = PersonalizationJob.of(jobId, Method.SVDIFF, modelUri, images, "vase")
                .withHyperParameters(new HyperParameters(3, null, null, null, 64, 0L, null, null, null, null, null,
                        null, 2, 1, null, null, null))
                .withPriorPreservation(new PriorPreservation(true, null, 2, null,
                        new SamplerSettings(2, 7.5, SchedulerName.DDIM), 0L))
                .withEvaluation(new EvaluationSettings(EvaluationProtocol.CUSTOM,
                        List.of("a photo of {identifier} {classNoun}", "a {identifier} {classNoun} in the snow"), 2,
                        List.of(0L, 1L), new SamplerSettings(2, 7.5, SchedulerName.DDIM)));
        client.submit(job);

        List<JobEvent> events = new ArrayList<>();
        JobEvent last = client.follow(jobId, Duration.ofMinutes(4), events::add);

        assertThat(last.type()).as("events %s\n%s", events, tails()).isEqualTo(EventType.SUCCEEDED);
        assertThat(events.get(0).type()).isEqualTo(EventType.ACCEPTED);
        assertThat(events.stream().filter(e -> e.type() == EventType.STAGE_STARTED)
                .map(e -> e.dataAs(StageStarted.class).stage()).toList())
                .containsExactly(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE);
        assertThat(events.stream().filter(e -> e.type() == EventType.STAGE_COMPLETED)
                .map(e -> e.dataAs(StageCompleted.class).stage()).toList())
                .containsExactly(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE);
        assertThat(events).extracting(JobEvent::type).contains(EventType.PROGRESS);
        Succeeded done = last.dataAs(Succeeded.class);
        assertThat(done.metrics()).containsKeys("dino", "clip-i", "clip-t", "div", "pres");
        assertThat(done.report()).endsWith("/jobs/" + jobId + "/report/index.html");
        assertThat(done.downloads()).containsKeys("report.html", "artifact/spectral_shifts.safetensors");

        FetchedJob fetched = client.fetch(jobId, work.resolve("fetched-" + jobId));
        assertThat(fetched.artifacts()).extracting(p -> p.getFileName().toString())
                .contains("spectral_shifts.safetensors");
        assertThat(fetched.reportHtml()).isNotNull();
        assertThat(Files.readString(fetched.reportHtml())).contains("<html");

        // the same job again (a user retrying): the job id is the idempotency key, nothing runs twice
        client.submit(job);

        String shifts = done.artifacts().get("artifact/spectral_shifts.safetensors");
        String renderId = LikenessClient.newId("render");
        client.submitRender(new RenderRequest(RenderRequest.SCHEMA, renderId, modelUri,
                List.of("a photo of a vase", "a vase on a beach"), "", List.of(new ArtifactRef(ArtifactKind.SVDIFF,
                shifts, 1.0)), List.of(5L, 6L), 2, SchedulerName.DDIM, 7.5, 64, 64));
        JobEvent rendered = client.follow(renderId, Duration.ofMinutes(2), e -> { });
        assertThat(rendered.type()).as("render: %s\n%s", rendered, tails()).isEqualTo(EventType.RENDER_COMPLETED);
        assertThat(rendered.dataAs(RenderCompleted.class).images()).hasSize(4);
        assertThat(client.fetchRender(renderId, work.resolve("render-" + renderId)))
                .extracting(p -> p.getFileName().toString()).contains("contact-sheet.png");

        // by now (a render later) the resubmitted job was long handled: still one run of each stage, one result
        List<JobEvent> all = new ArrayList<>();
        try (var stream = client.events(jobId)) {
            for (var e = stream.next(Duration.ofSeconds(3)); e.isPresent(); e = stream.next(Duration.ofSeconds(3))) {
                all.add(e.get());
            }
        }
        assertThat(all.stream().filter(e -> e.type() == EventType.STAGE_STARTED).count()).as("%s", all).isEqualTo(3);
        assertThat(all.stream().filter(e -> e.type() == EventType.SUCCEEDED).count()).isEqualTo(1);
        assertThat(all.stream().filter(e -> e.type() == EventType.FAILED).count()).isZero();
    }

    private static Path vases(Path dir, int count) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(230 - 25 * i, 220, 200));
            g.fillRect(0, 0, 64, 64);
            g.setColor(new Color(28, 58, 160));
            g.fillOval(16 + 4 * i, 18, 28, 38);
            g.setColor(new Color(240, 140, 30));
            g.fillRect(16 + 4 * i, 33, 28, 5);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve("vase-" + i + ".png").toFile());
        }
        return dir;
    }

    private static String tails() {
        StringBuilder sb = new StringBuilder();
        for (ServiceProcess s : running) {
            sb.append("--- ").append(s.name()).append('\n').append(s.tail()).append('\n');
        }
        return sb.toString();
    }
}
