package dev.likeness.evaluator.model;

import ai.djl.ndarray.NDManager;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every method's artifact, trained for one step on the tiny model, loads onto the base model, names its identifier,
 * and changes what the model samples (no stack, no Quarkus).
 */
class TrainedModelTest {

    @TempDir
    static Path tmp;
    static Path model;
    static Path images;

    @BeforeAll
    static void tinyModel() throws Exception {
        model = TinyModelGenerator.write(tmp.resolve("tiny-sd"), TinyModelGenerator.tinySd(), 0);
        images = dev.likeness.evaluator.TinyJobs.vaseImages(tmp.resolve("images"), 2);
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void appliesTheArtifactOfEveryMethod(Method method) throws Exception {
        Path artifact = dev.likeness.evaluator.TinyJobs.train(method.wire(), model, images,
                tmp.resolve("artifact-" + method.wire()), 1);
        PersonalizationJob job = job(method);
        String identifier = Identifiers.of(job, artifact);
        assertThat(identifier).isNotBlank().doesNotContain("{");
        String prompt = "a photo of " + identifier + " vase";

        float[] base;
        float[] trained;
        SpectralCache cache = new SpectralCache(new FolderSpectralStore(Files.createDirectories(tmp.resolve("svd"))), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            try (var plain = dev.likeness.engine.folder.StableDiffusionModel.load(model, manager.newSubManager())) {
                base = sample(new TextToImagePipeline(plain), prompt, manager);
            }
            try (TrainedModel tuned = TrainedModel.load(job, model, artifact, cache, manager)) {
                trained = sample(new TextToImagePipeline(tuned.model()), tuned.prompt(prompt), manager);
            }
        }
        assertThat(trained).hasSameSizeAs(base);
        assertThat(trained).as("%s must change the samples", method).isNotEqualTo(base);
    }

    @Test
    void anArtifactOfAnotherMethodIsModelInvalid() throws Exception {
        Path lora = dev.likeness.evaluator.TinyJobs.train("lora", model, images, tmp.resolve("artifact-mismatch"), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> TrainedModel.load(job(Method.DREAMBOOTH), model, lora,
                    new SpectralCache(new FolderSpectralStore(tmp), 1), manager))
                    .isInstanceOf(StageFailure.class)
                    .satisfies(e -> assertThat(((StageFailure) e).code()).isEqualTo(ErrorCode.MODEL_INVALID))
                    .hasMessageContaining("DreamBooth");
        }
    }

    @Test
    void textualInversionIsEvaluatedWithItsLearnedTokenWhateverTheJobsIdentifier() throws Exception {
        // the learned embedding belongs to the placeholder token; evaluating "a sks vase" would ignore it
        Path artifact = dev.likeness.evaluator.TinyJobs.train("textual-inversion", model, images,
                tmp.resolve("artifact-ti-identifier"), 1);
        PersonalizationJob withIdentifier = job(Method.TEXTUAL_INVERSION).withIdentifier("sks");
        assertThat(Identifiers.of(withIdentifier, artifact)).isEqualTo("<likeness>");
        // other methods keep the job's identifier
        Path lora = dev.likeness.evaluator.TinyJobs.train("lora", model, images, tmp.resolve("artifact-lora-id"), 1);
        assertThat(Identifiers.of(job(Method.LORA).withIdentifier("sks"), lora)).isEqualTo("sks");
    }

    @Test
    void theIdentifierIsReadBackFromTheFilledInPrompt() {
        assertThat(Identifiers.fromPrompt("a photo of {identifier} {classNoun}", "vase", "a photo of qzx vase"))
                .isEqualTo("qzx");
        assertThat(Identifiers.fromPrompt("{identifier} {classNoun}, {identifier} again", "dog",
                "<tok> dog, <tok> again")).isEqualTo("<tok>");
        assertThat(Identifiers.fromPrompt("a photo of {identifier} {classNoun}", "vase", "a drawing of qzx vase"))
                .isNull();
        assertThat(Identifiers.fromPrompt("a photo of a {classNoun}", "vase", "a photo of a vase")).isNull();
    }

    private static PersonalizationJob job(Method method) {
        return Messages.normalize(PersonalizationJob.of("job-trained-model", method, "s3://likeness/models/tiny/",
                List.of("s3://likeness/jobs/job-trained-model/inputs/a.png"), "vase"));
    }

    private static float[] sample(TextToImagePipeline pipeline, String prompt, NDManager manager) {
        GenerationRequest r = GenerationRequest.builder(prompt).steps(2).guidanceScale(7.5f).size(64, 64).seed(3L)
                .build();
        try (NDManager run = manager.newSubManager(); GenerationResult g = pipeline.generate(r, run)) {
            return g.images().toFloatArray();
        }
    }
}
