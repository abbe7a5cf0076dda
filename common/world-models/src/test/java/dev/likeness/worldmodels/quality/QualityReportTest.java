package dev.likeness.worldmodels.quality;

import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TrainingConfig;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.subject.Subject;
import dev.likeness.worldmodels.clip.ZeroShotAccuracy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The quality table and the bars' arithmetic on given numbers; the command's argument errors. */
class QualityReportTest {

    private static final TuningRecipe SVDIFF = TuningRecipe.svdiff();

    @Test
    void tableShowsEveryNumberAndWhetherEachBarIsMet() {
        CaptionScore heldOut = new CaptionScore(Split.HELD_OUT, true, new ZeroShotAccuracy(64, 0.859, 0.781, 0.5));
        CaptionScore ceiling = new CaptionScore(Split.HELD_OUT, false, new ZeroShotAccuracy(64, 0.95, 0.9, 0.7));
        SubjectFidelity f = new SubjectFidelity(SVDIFF, 42, new SubjectScores(0.61, 0.30, 0.25, 0.31, 0.2, 32),
                new SubjectScores(0.80, 0.62, 0.23, 0.33, 0.1, 32));
        PriorPreservation p = new PriorPreservation(TuningRecipe.dreambooth(), 16,
                new PriorPreservation.Run(0.30, 0.2, Double.NaN, 0), new PriorPreservation.Run(0.32, 0.2, 0.6, 50),
                new PriorPreservation.Run(0.55, 0.1, 0.7, 40));
        String md = new QualityReport(Sampling.defaults(), Subject.SPIRAL_VASE, List.of(heldOut, ceiling), f, p,
                new SubjectFidelity(SVDIFF, 30, new SubjectScores(0.3, 0.5, 0.2, 0.2, 0.3, 8),
                        new SubjectScores(0.45, 0.58, 0.25, 0.25, 0.2, 8))).markdown();
        assertThat(md).contains("DDIM 25 steps, guidance 5, 32×32")
                .contains("| base-model renders | held-out | 64 | 85.9 % | 78.1 % | 50.0 % | **not met** |")
                .contains("| real world images (classifier ceiling) | held-out | 64 | 95.0 % | 90.0 % | 70.0 % |  |")
                .contains("svdiff, 400 steps at lr 0.03 on the 5 `spiral-vase` photos, each on its own caption, 42 s")
                .contains("| renders | CLIP-I | DINO | CLIP-T | DIV | CLIP-T without the position |")
                .contains("| svdiff, \"a sks vase …\" | 0.800 | 0.620 | 0.230 | 0.100 | 0.330 |")
                .contains("| margin | +0.190 | +0.320 | -0.020 | -0.100 | +0.020 |")
                .contains("the subject keeps the scene but not its place in it")
                .contains("dreambooth with the text encoder at lr 5e-5, 400 steps at lr 0.0002, 16 class images of "
                        + "\"a photo of a vase\"")
                .contains("| dreambooth with prior preservation | 0.320 | +0.020 | 0.200 | 0.600 | 50 s |")
                .contains("| dreambooth without prior preservation | 0.550 | +0.250 | 0.100 | 0.700 | 40 s |")
                .contains("**Diagnostic: the training prompt** (svdiff, 400 steps at lr 0.03")
                .contains("| base model, \"a photo of a vase\" | 0.300 | 0.500 | 0.200 | 0.300 | 0.200 |")
                .contains("| change | +0.150 | +0.080 | +0.050 | -0.100 | +0.050 |");
        PriorPreservation shared = new PriorPreservation(TuningRecipe.dreambooth().withTextEncoderLearningRate(null),
                16, p.base(), p.withPrior(), p.withoutPrior());
        assertThat(new QualityReport(Sampling.defaults(), Subject.SPIRAL_VASE, List.of(), null, shared, null)
                .markdown()).contains("dreambooth with the text encoder, 400 steps at lr 0.0002");
        SubjectFidelity onePrompt = new SubjectFidelity(SVDIFF.withPhotoCaptions(false), 42, f.base(), f.tuned());
        assertThat(new QualityReport(Sampling.defaults(), Subject.SPIRAL_VASE, List.of(), onePrompt, null, null)
                .markdown()).contains("on the 5 `spiral-vase` photos, 42 s").doesNotContain("own caption");
        assertThat(new QualityReport(Sampling.defaults(), Subject.SPIRAL_VASE, List.of(heldOut), null, null, null)
                .markdown()).doesNotContain("Diagnostic").doesNotContain("Personalization");
        assertThat(QualityBars.captionsMet(heldOut)).isFalse();
        assertThat(QualityBars.captionsMet(ceiling)).isTrue();
        assertThat(QualityBars.personalizationMet(f)).isTrue();
        assertThat(QualityBars.priorPreservationMet(p)).isTrue();
        // CLIP-T fell too far: prompt context lost
        assertThat(QualityBars.personalizationMet(new SubjectFidelity(SVDIFF, 1, f.base(),
                new SubjectScores(0.8, 0.62, 0.19, 0.33, 0.1, 32)))).isFalse();
        // the subject was not learned with prior: keeping the class proves nothing
        assertThat(QualityBars.priorPreservationMet(new PriorPreservation(p.recipe(), 16, p.base(),
                new PriorPreservation.Run(0.32, 0.2, 0.31, 50), p.withoutPrior()))).isFalse();
        // no leakage without prior: nothing shown
        assertThat(QualityBars.priorPreservationMet(new PriorPreservation(p.recipe(), 16, p.base(), p.withPrior(),
                p.withPrior()))).isFalse();
    }

    @Test
    void commandRejectsBadArguments() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertThatThrownBy(() -> QualityCommand.run(List.of("--colour", "red"), sink, sink))
                .hasMessageContaining("unknown option '--colour'").hasMessageContaining("--captions");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--captions"), sink, sink))
                .hasMessageContaining("--captions needs a value");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--parts", "captions,speed"), sink, sink))
                .hasMessageContaining("unknown part 'speed'");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--svdiff-steps", "many"), sink, sink))
                .hasMessageContaining("--svdiff-steps must be an integer");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--tuning-seed", "lucky"), sink, sink))
                .hasMessageContaining("--tuning-seed must be an integer");
        assertThat(TuningRecipe.dreambooth().withSeed(8)).isEqualTo(new TuningRecipe("dreambooth", 400, 2e-4f, 8,
                true, 1f, 5e-5f));
        assertThatThrownBy(() -> QualityCommand.run(List.of("--dreambooth-text-encoder", "yes"), sink, sink))
                .hasMessageContaining("--dreambooth-text-encoder must be true or false, got 'yes'");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--dreambooth-text-encoder-lr", "slow"), sink, sink))
                .hasMessageContaining("--dreambooth-text-encoder-lr must be a number, got 'slow'");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--svdiff-text-encoder-lr", "0"), sink, sink))
                .hasMessageContaining("text-encoder learning rate must be a finite number > 0 but is 0");
        assertThat(TuningRecipe.dreambooth().withTextEncoderLearningRate(1e-5f).withSeed(8).textEncoderLearningRate())
                .isEqualTo(1e-5f);
        assertThatThrownBy(() -> QualityCommand.run(List.of("--prior-weight", "-1"), sink, sink))
                .hasMessageContaining("prior-preservation weight must be a finite number >= 0 but is -1");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--parts", "fit", "--fit-method", "lora"), sink, sink))
                .hasMessageContaining("--fit-method must be svdiff or dreambooth, got 'lora'");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--sd", "x"), sink, sink))
                .hasMessageContaining("--clip is missing");
        assertThatThrownBy(() -> new TuningRecipe("svdiff", 0, 1e-2f, 7)).hasMessageContaining("steps");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--svdiff-schedule", "warm"), sink, sink))
                .hasMessageContaining("unknown learning-rate schedule 'warm'");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--svdiff-batch", "0"), sink, sink))
                .hasMessageContaining("batch size must be >= 1 but is 0");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--svdiff-captions", "maybe"), sink, sink))
                .hasMessageContaining("--svdiff-captions must be true or false, got 'maybe'");
        assertThatThrownBy(() -> QualityCommand.run(List.of("--dreambooth-captions", "1"), sink, sink))
                .hasMessageContaining("--dreambooth-captions must be true or false, got '1'");
    }

    @Test
    void recipeReachesTheTrainingConfig() {
        List<String> captions = List.of("a {id} vase on grass, in the center", "a {id} vase at night, in the center");
        TuningRecipe recipe = TuningRecipe.svdiff().withSchedule(LearningRateScheduleKind.LINEAR).withBatchSize(2);
        TrainingConfig cfg = recipe.config(Path.of("base"), "sks", "vase", null, 0, 32, captions);
        assertThat(cfg.lrSchedule()).isEqualTo(LearningRateScheduleKind.LINEAR);
        assertThat(cfg.batchSize()).isEqualTo(2);
        // bar 2's recipe trains each photo on its caption
        assertThat(cfg.instanceCaptions()).isEqualTo(captions);
        assertThat(cfg.instancePrompt()).isEqualTo("a photo of {id} vase");
        assertThat(recipe.withPhotoCaptions(false).config(Path.of("base"), "sks", "vase", null, 0, 32, captions)
                .instanceCaptions()).as("captions only when the recipe asks for them").isEmpty();
        assertThat(TuningRecipe.dreambooth().config(Path.of("base"), "sks", "vase", "a photo of a vase", 16, 32,
                captions).instanceCaptions()).isEmpty();
    }
}
