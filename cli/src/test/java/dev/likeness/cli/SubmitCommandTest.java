package dev.likeness.cli;

import dev.likeness.client.LikenessClient;
import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.jobs.EvaluationProtocol;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code likeness submit} options turn into (no broker needed: the job is built, not sent). */
class SubmitCommandTest {

    private static final String MODEL = "s3://likeness/models/tiny/";
    private static final List<String> IMAGES = List.of("s3://likeness/jobs/j1/inputs/a.png");

    @Test
    void optionsBecomeTheJobAndUnsetOnesTakeTheMethodDefaults() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--steps", "30", "--resolution", "64",
                "--lr", "5e-3", "--prior", "--class-images", "4", "--prior-steps", "4",
                "--eval-prompt", "a photo of {identifier} {classNoun}", "--eval-prompt", "a {identifier} {classNoun}",
                "--eval-images", "2", "--eval-steps", "3", "--identifier", "qzx");
        PersonalizationJob job = Messages.normalize(cmd.job("j1", SubmitCommand.method(cmd.method), MODEL, IMAGES));

        assertThat(job.method()).isEqualTo(Method.SVDIFF);
        assertThat(job.identifier()).isEqualTo("qzx");
        assertThat(job.hyperParameters().steps()).isEqualTo(30);
        assertThat(job.hyperParameters().resolution()).isEqualTo(64);
        assertThat(job.hyperParameters().learningRate()).isEqualTo(5e-3);
        assertThat(job.hyperParameters().checkpointEvery()).isEqualTo(100);
        assertThat(job.priorPreservation().active()).isTrue();
        assertThat(job.priorPreservation().numClassImages()).isEqualTo(4);
        assertThat(job.priorPreservation().sampler().steps()).isEqualTo(4);
        assertThat(job.priorPreservation().classPrompt()).isEqualTo("a photo of vase");
        assertThat(job.evaluation().protocol()).isEqualTo(EvaluationProtocol.CUSTOM);
        assertThat(job.evaluation().prompts()).hasSize(2);
        assertThat(job.evaluation().seeds()).containsExactly(0L, 1L);
        assertThat(job.evaluation().sampler().steps()).isEqualTo(3);
        assertThat(job.stages()).containsExactly(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE);
        assertThat(job.hyperParameters().trainTextEncoder()).isFalse();
    }

    @Test
    void captionsFromAFileBecomeTheJobsInstanceCaptions(@TempDir Path tmp) throws IOException {
        Path one = Files.writeString(tmp.resolve("one.txt"), "\n a photo of {identifier} {classNoun} on sand \n");
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--captions", one.toString());
        PersonalizationJob job = Messages.normalize(cmd.job("j8", Method.SVDIFF, MODEL, IMAGES,
                CaptionFiles.read(cmd.captions)));
        assertThat(job.instanceCaptions()).containsExactly("a photo of {identifier} {classNoun} on sand");

        Path two = Files.writeString(tmp.resolve("two.txt"), "a {identifier} vase\na {identifier} vase\n");
        assertThatThrownBy(() -> Messages.normalize(cmd.job("j9", Method.SVDIFF, MODEL, IMAGES,
                CaptionFiles.read(two))))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.instanceCaptions"))
                .hasMessageContaining("one caption per image");
        assertThatThrownBy(() -> CaptionFiles.read(tmp.resolve("missing.txt"))).hasMessageContaining("not a file");
    }

    @Test
    void aCaptionCountThatDiffersFromTheImagesStopsBeforeAnythingIsUploaded(@TempDir Path tmp) throws IOException {
        Path images = TrainCutMixCommandTest.subject(tmp.resolve("images"), Color.ORANGE);
        int count = LikenessClient.imagesIn(images).size();
        Path one = Files.writeString(tmp.resolve("one.txt"), "a photo of {identifier} vase on sand\n");
        // nothing listens on these ports: a submit that got as far as connecting or uploading would fail otherwise
        CapturedOutput err = CapturedOutput.stderr(() -> LikenessCli.run("submit", "--images", images.toString(),
                "--class-noun", "vase", "--captions", one.toString(), "--kafka", "127.0.0.1:9",
                "--s3-endpoint", "http://127.0.0.1:9"));
        assertThat(err.exitCode()).isNotZero();
        assertThat(err.text()).contains("has 1 captions but --images has " + count + " images");
        assertThat(count).isGreaterThan(1);
    }

    @Test
    void trainTextEncoderReachesTheHyperParameters() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--method", "dreambooth",
                "--train-text-encoder");
        PersonalizationJob job = Messages.normalize(cmd.job("j5", SubmitCommand.method(cmd.method), MODEL, IMAGES));
        assertThat(job.method()).isEqualTo(Method.DREAMBOOTH);
        assertThat(job.hyperParameters().trainTextEncoder()).isTrue();
        assertThat(job.hyperParameters().textEncoderLearningRate()).isNull();
        assertThat(job.hyperParameters().effectiveTextEncoderLearningRate())
                .isEqualTo(job.hyperParameters().learningRate());
    }

    @Test
    void textEncoderLearningRateReachesTheHyperParameters() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--method", "dreambooth",
                "--lr", "2e-4", "--train-text-encoder", "--text-encoder-lr", "5e-5");
        PersonalizationJob job = Messages.normalize(cmd.job("j6", SubmitCommand.method(cmd.method), MODEL, IMAGES));
        assertThat(job.hyperParameters().learningRate()).isEqualTo(2e-4);
        assertThat(job.hyperParameters().textEncoderLearningRate()).isEqualTo(5e-5);
        assertThat(job.hyperParameters().effectiveTextEncoderLearningRate()).isEqualTo(5e-5);
    }

    @Test
    void aTextEncoderRateWithoutTrainingTheTextEncoderIsRefusedBeforeSubmitting() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--method", "dreambooth",
                "--text-encoder-lr", "5e-5");
        assertThatThrownBy(() -> Messages.normalize(cmd.job("j7", SubmitCommand.method(cmd.method), MODEL, IMAGES)))
                .isInstanceOf(MessageValidationException.class)
                .hasMessageContaining("textEncoderLearningRate").hasMessageContaining("trainTextEncoder is false");
    }

    @Test
    void classPromptAndGuidanceReachPriorAndEvaluation() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--class-prompt", "a photo of a vase",
                "--guidance", "4");
        PersonalizationJob job = Messages.normalize(cmd.job("j4", Method.SVDIFF, MODEL, IMAGES));
        assertThat(job.priorPreservation().classPrompt()).isEqualTo("a photo of a vase");
        assertThat(job.priorPreservation().sampler().guidance()).isEqualTo(4.0);
        assertThat(job.priorPreservation().sampler().steps()).isEqualTo(50);
        assertThat(job.evaluation().sampler().guidance()).isEqualTo(4.0);
        assertThat(job.evaluation().protocol()).isEqualTo(EvaluationProtocol.DREAMBOOTH_OBJECTS);
    }

    @Test
    void noEvalAndNoPriorShortenTheRoutingSlip() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "dog", "--method", "lora", "--no-eval");
        PersonalizationJob job = Messages.normalize(cmd.job("j2", SubmitCommand.method(cmd.method), MODEL, IMAGES));
        assertThat(job.stages()).containsExactly(Stage.TRAIN);
        assertThat(job.hyperParameters().lora()).isNotNull();

        SubmitCommand svdiff = parse("--images", "x", "--class-noun", "dog", "--no-prior", "--no-eval");
        assertThat(Messages.normalize(svdiff.job("j3", Method.SVDIFF, MODEL, IMAGES)).stages())
                .containsExactly(Stage.TRAIN);
    }

    @Test
    void anUnknownMethodIsAClearError() {
        assertThatThrownBy(() -> SubmitCommand.method("hypernetwork"))
                .hasMessageContaining("unknown method 'hypernetwork'").hasMessageContaining("svdiff");
    }

    @Test
    void aNegativeStepCountIsRejectedByTheContract() {
        SubmitCommand cmd = parse("--images", "x", "--class-noun", "vase", "--steps", "-5");
        assertThatThrownBy(() -> Messages.normalize(cmd.job("j4", Method.SVDIFF, MODEL, IMAGES)))
                .hasMessageContaining("steps");
    }

    private static SubmitCommand parse(String... args) {
        SubmitCommand cmd = new SubmitCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }
}
