package dev.likeness.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.EvaluationProtocol;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.LrSchedule;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class JobMessagesTest {

    private static final List<String> IMAGES = List.of("s3://likeness/jobs/j1/inputs/a.png",
            "s3://likeness/jobs/j1/inputs/b.jpg");

    @Test
    void fullJobIsReadAsWritten() {
        PersonalizationJob job = Messages.parseJob(Fixtures.svdiffJob());

        assertThat(job.jobId()).isEqualTo("dog-2026-01-31.a_1");
        assertThat(job.method()).isEqualTo(Method.SVDIFF);
        assertThat(job.instanceImages()).hasSize(3);
        assertThat(job.hyperParameters().steps()).isEqualTo(600);
        assertThat(job.hyperParameters().seed()).isEqualTo(42L);
        assertThat(job.hyperParameters().lrSchedule()).isEqualTo(LrSchedule.CONSTANT_WITH_WARMUP);
        assertThat(job.hyperParameters().svdiff().learningRate1d()).isEqualTo(1e-6);
        assertThat(job.priorPreservation().sampler().scheduler()).isEqualTo(SchedulerName.DDIM);
        assertThat(job.evaluation().protocol()).isEqualTo(EvaluationProtocol.CUSTOM);
        assertThat(job.stages()).containsExactly(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE);
        assertThat(job.createdAt()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(job.resolvePrompt(job.instancePrompt(), job.identifier())).isEqualTo("a photo of sks dog");
    }

    @Test
    void instanceCaptionsAreOptionalAndKeptInOrder() {
        PersonalizationJob plain = Messages.parseJob(Fixtures.svdiffJob());
        assertThat(plain.instanceCaptions()).isNull();
        assertThat(Messages.toJson(plain)).doesNotContain("instanceCaptions");

        String captioned = Fixtures.edit(Fixtures.svdiffJob(), "instanceCaptions",
                "[\"a photo of {identifier} {classNoun} on a beach\", \"a sks dog at night\", \"a {identifier} dog\"]");
        PersonalizationJob job = Messages.parseJob(captioned);
        assertThat(job.instanceCaptions()).containsExactly("a photo of {identifier} {classNoun} on a beach",
                "a sks dog at night", "a {identifier} dog");
        assertThat(job.resolvePrompt(job.instanceCaptions().get(0), job.identifier()))
                .isEqualTo("a photo of sks dog on a beach");
        String json = Messages.toJson(job);
        assertThat(json.indexOf("\"instanceCaptions\"")).isGreaterThan(json.indexOf("\"instanceImages\""))
                .isLessThan(json.indexOf("\"instancePrompt\""));
        assertThat(Messages.parseJob(json)).isEqualTo(job);
    }

    @Test
    void roundTripIsStableAndOrdered() {
        PersonalizationJob job = Messages.parseJob(Fixtures.svdiffJob());
        String once = Messages.toJson(job);
        PersonalizationJob again = Messages.parseJob(once);

        assertThat(again).isEqualTo(job);
        assertThat(Messages.toJson(again)).isEqualTo(once);
        assertThat(once).startsWith("{\"schema\":\"likeness.job/v1\",\"jobId\":\"dog-2026-01-31.a_1\",\"method\":\"svdiff\"");
        assertThat(once.indexOf("\"stages\"")).isGreaterThan(once.indexOf("\"evaluation\""));
        assertThat(once).contains("\"createdAt\":\"2026-01-31T12:00:00Z\"");
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void minimalJobGetsTheMethodsDefaults(Method method) {
        String json = """
                {"schema": "likeness.job/v1", "jobId": "j1", "method": "%s",
                 "baseModel": "s3://likeness/models/tiny-sd/",
                 "instanceImages": ["s3://likeness/jobs/j1/inputs/a.png"], "classNoun": "dog"}
                """.formatted(method.wire());
        PersonalizationJob job = Messages.parseJob(json);
        HyperParameters hp = job.hyperParameters();

        double lr = switch (method) {
            case DREAMBOOTH -> 5e-6;
            case TEXTUAL_INVERSION -> 5e-4;
            case SVDIFF -> 1e-3;
            case LORA -> 1e-4;
        };
        assertThat(hp.learningRate()).isEqualTo(lr);
        assertThat(hp.steps()).isEqualTo(method == Method.TEXTUAL_INVERSION ? 3000
                : method == Method.DREAMBOOTH ? 800 : 500);
        assertThat(hp.batchSize()).isEqualTo(1);
        assertThat(hp.resolution()).isEqualTo(512);
        assertThat(hp.textualInversion() != null).isEqualTo(method == Method.TEXTUAL_INVERSION);
        assertThat(hp.svdiff() != null).isEqualTo(method == Method.SVDIFF);
        assertThat(hp.lora() != null).isEqualTo(method == Method.LORA);
        boolean prior = method == Method.DREAMBOOTH || method == Method.SVDIFF;
        assertThat(job.priorPreservation().active()).isEqualTo(prior);
        assertThat(job.priorPreservation().numClassImages()).isEqualTo(200);
        assertThat(job.priorPreservation().lambda()).isEqualTo(1.0);
        assertThat(job.priorPreservation().classPrompt()).isEqualTo("a photo of dog");
        assertThat(job.stages()).isEqualTo(prior ? List.of(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE)
                : List.of(Stage.TRAIN, Stage.EVALUATE));
        assertThat(job.instancePrompt()).isEqualTo("a photo of {identifier} {classNoun}");
        assertThat(job.identifier()).isNull();
        assertThat(job.evaluation().protocol()).isEqualTo(EvaluationProtocol.DREAMBOOTH_OBJECTS);
        assertThat(job.evaluation().seeds()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(job.validation().active()).isFalse();
        assertThat(job.createdAt()).isNotNull();
        // defaults are written out, so consumers of the JSON see the same numbers
        assertThat(Messages.parseJob(Messages.toJson(job))).isEqualTo(job);
    }

    @Test
    void methodSpecificDefaults() {
        PersonalizationJob ti = Messages.normalize(PersonalizationJob.of("t", Method.TEXTUAL_INVERSION,
                "s3://likeness/models/m/", IMAGES, "cat"));
        assertThat(ti.hyperParameters().textualInversion().numVectors()).isEqualTo(1);
        assertThat(ti.hyperParameters().textualInversion().initializerToken()).isEqualTo("cat");

        PersonalizationJob sv = Messages.normalize(PersonalizationJob.of("s", Method.SVDIFF,
                "s3://likeness/models/m/", IMAGES, "cat"));
        assertThat(sv.hyperParameters().svdiff().learningRate1d()).isEqualTo(1e-6);
        assertThat(sv.hyperParameters().svdiff().scale()).isEqualTo(1.0);
        assertThat(sv.hyperParameters().svdiff().cutMixUnmixProbability()).isEqualTo(0.0);

        PersonalizationJob lora = Messages.normalize(PersonalizationJob.of("l", Method.LORA,
                "s3://likeness/models/m/", IMAGES, "cat").withHyperParameters(
                new HyperParameters(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, new dev.likeness.contracts.jobs.LoraParams(8, null))));
        assertThat(lora.hyperParameters().lora().rank()).isEqualTo(8);
        assertThat(lora.hyperParameters().lora().alpha()).isEqualTo(8.0);
    }

    @Test
    void priorPreservationCanBeSwitchedOffForDreamBooth() {
        PersonalizationJob job = Messages.normalize(PersonalizationJob.of("j", Method.DREAMBOOTH,
                "s3://likeness/models/m/", IMAGES, "dog").withPriorPreservation(PriorPreservation.disabled()));
        assertThat(job.stages()).containsExactly(Stage.TRAIN, Stage.EVALUATE);
        assertThat(job.nextStage(Stage.TRAIN)).isEqualTo(Stage.EVALUATE);
        assertThat(job.nextStage(Stage.EVALUATE)).isNull();
    }

    static Stream<BadJobs.Case> badJobs() {
        return BadJobs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJobs")
    void badJobIsRejectedWithPathAndCode(BadJobs.Case bad) {
        assertThatThrownBy(() -> Messages.parseJob(bad.json()))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> {
                    assertThat(e.path()).as(e.getMessage()).isEqualTo(bad.path());
                    assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(bad.code());
                    assertThat(e.getMessage()).contains(bad.fragment());
                });
    }

    @Test
    void timestampsWithAnOffsetAreReadAsInstants() {
        String json = Fixtures.edit(Fixtures.svdiffJob(), "createdAt", "\"2026-01-31T13:00:00+01:00\"");
        assertThat(Messages.parseJob(json).createdAt()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
    }

    @Test
    void textEncoderLearningRateIsOptionalAndRoundTrips() {
        PersonalizationJob plain = Messages.parseJob(Fixtures.svdiffJob());
        assertThat(plain.hyperParameters().textEncoderLearningRate()).isNull();
        assertThat(plain.hyperParameters().effectiveTextEncoderLearningRate())
                .isEqualTo(plain.hyperParameters().learningRate());
        assertThat(Messages.toJson(plain)).doesNotContain("textEncoderLearningRate");

        String json = Fixtures.edit(Fixtures.edit(Fixtures.svdiffJob(), "hyperParameters.trainTextEncoder", "true"),
                "hyperParameters.textEncoderLearningRate", "1e-4");
        PersonalizationJob job = Messages.parseJob(json);
        assertThat(job.hyperParameters().textEncoderLearningRate()).isEqualTo(1e-4);
        assertThat(job.hyperParameters().effectiveTextEncoderLearningRate()).isEqualTo(1e-4);
        assertThat(Messages.parseJob(Messages.toJson(job))).isEqualTo(job);
    }

    @Test
    void textualInversionRejectsATextEncoderLearningRate() {
        PersonalizationJob ti = PersonalizationJob.of("t", Method.TEXTUAL_INVERSION, "s3://likeness/models/m/",
                IMAGES, "cat").withHyperParameters(HyperParameters.defaults().withTextEncoderLearningRate(1e-4));
        assertThatThrownBy(() -> Messages.normalize(ti))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> assertThat(e.violations())
                        .anySatisfy(v -> {
                            assertThat(v.path()).isEqualTo("$.hyperParameters.textEncoderLearningRate");
                            assertThat(v.message()).contains("only the new token embedding");
                        }));
    }

    @Test
    void allViolationsAreReported() {
        String json = Fixtures.edit(Fixtures.edit(Fixtures.svdiffJob(), "hyperParameters.steps", "-1"),
                "hyperParameters.batchSize", "0");
        assertThatThrownBy(() -> Messages.parseJob(json))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> assertThat(e.violations())
                        .extracting(MessageValidationException.Violation::path)
                        .contains("$.hyperParameters.steps", "$.hyperParameters.batchSize"));
    }

    @Test
    void writingAnInvalidJobFails() {
        PersonalizationJob job = PersonalizationJob.of("ok", Method.LORA, "s3://likeness/models/m/",
                List.of("/home/me/dog.png"), "dog");
        assertThatThrownBy(() -> Messages.toJson(job))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.instanceImages[0]"));
    }

    @Test
    void stageRequestCarriesTheJobAndReportsNestedPaths() {
        PersonalizationJob job = Messages.parseJob(Fixtures.svdiffJob());
        StageRequest request = StageRequest.of(job, Stage.TRAIN, 1,
                Map.of("classImages", "s3://likeness/cache/class-images/abc/"));
        String json = Messages.toJson(request);
        assertThat(Messages.parseStageRequest(json)).isEqualTo(request);

        String badSteps = Fixtures.edit(json, "job.hyperParameters.steps", "0");
        assertThatThrownBy(() -> Messages.parseStageRequest(badSteps))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.job.hyperParameters.steps"));

        String offSlip = Messages.toJson(StageRequest.of(job.withPriorPreservation(PriorPreservation.disabled())
                .withStages(List.of(Stage.TRAIN)), Stage.TRAIN, 1, Map.of()));
        String evaluate = Fixtures.edit(offSlip, "stage", "\"evaluate\"");
        assertThatThrownBy(() -> Messages.parseStageRequest(evaluate))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> {
                    assertThat(e.path()).isEqualTo("$.stage");
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);
                });

        String badArtifact = Fixtures.edit(json, "artifacts.classImages", "\"file:///tmp/x\"");
        assertThatThrownBy(() -> Messages.parseStageRequest(badArtifact))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.artifacts.classImages"));
        String zeroAttempt = Fixtures.edit(json, "attempt", "0");
        assertThatThrownBy(() -> Messages.parseStageRequest(zeroAttempt))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.attempt"));
    }

    @Test
    void topicsCoverEveryStage() {
        for (Stage s : Stage.values()) {
            assertThat(Topics.forStage(s)).startsWith("likeness.stage.").endsWith(s.wire());
        }
        assertThat(Topics.all()).hasSize(8).doesNotHaveDuplicates();
    }
}
