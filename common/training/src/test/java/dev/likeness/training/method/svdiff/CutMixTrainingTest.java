package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.TestImages;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.data.TrainingImages;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.method.dreambooth.DreamBooth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Multi-subject SVDiff on tiny-sd (32 px images, 16×16 latents, cross-attention on 8×8). */
class CutMixTrainingTest {

    private static final int RES = 32;
    private static final CutMixUnmix.Subject DOG = new CutMixUnmix.Subject("sks", "dog");
    private static final CutMixUnmix.Subject SCULPTURE = new CutMixUnmix.Subject("zwx", "sculpture");
    @TempDir
    static Path tmp;
    private static NDManager root;
    private static Path dogs;
    private static Path sculptures;
    private static Path classes;

    @BeforeAll
    static void setUp() throws IOException {
        root = NDManager.newBaseManager();
        dogs = TestImages.write(tmp.resolve("dogs"), 2, 40, 32, 1);
        sculptures = TestImages.write(tmp.resolve("sculptures"), 2, 32, 40, 2);
        classes = TestImages.write(tmp.resolve("dog-class"), 3, 36, 36, 3);
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder("svdiff").instancePrompt("a photo of sks dog").resolution(RES).seed(11)
                .maxSteps(4).batchSize(2).spectralShiftLearningRate(1e-2f).unmixWeight(0.5f)
                .methodOption("svdiff.cache_dir", tmp.resolve("svd").toString());
    }

    private record Run(List<Trainer.StepOutcome> steps, Map<String, float[]> shifts, Map<String, String> metadata) {
        Run(List<Trainer.StepOutcome> steps, SpectralShifts shifts) {
            this(steps, shifts.unet(), shifts.metadata());
        }
    }

    private static Run run(TrainingConfig cfg) throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            NDArray a = TrainingImages.load(TrainingImages.list(dogs), RES, true, m);
            NDArray b = TrainingImages.load(TrainingImages.list(sculptures), RES, true, m);
            SvdiffMethod method = new SvdiffMethod();
            try (Trainer trainer = new Trainer(model, method, cfg, m);
                 CutMixTraining training = new CutMixTraining(trainer, cfg, DOG, a, SCULPTURE, b)) {
                List<Trainer.StepOutcome> seen = new ArrayList<>();
                List<Trainer.StepOutcome> steps = training.train(seen::add);
                assertThat(seen).isEqualTo(steps);
                assertThat(trainer.step()).isEqualTo(cfg.maxSteps());
                return new Run(steps, method.shifts(trainer.provenance()));
            }
        }
    }

    @Test
    void mixedStepsAddTheLoggedUnmixTermAndAreDeterministic() throws IOException {
        TrainingConfig cfg = config().methodOption(CutMixTraining.OPTION_PROBABILITY, "1").build();
        long start = System.nanoTime();
        Run first = run(cfg);
        double seconds = (System.nanoTime() - start) / 1e9;
        Run second = run(cfg);
        for (Trainer.StepOutcome o : first.steps()) {
            System.out.printf("loss %.5f = instance %.5f + unmix %.3g; gradient norm %.3g%n", o.loss(),
                    o.instanceLoss(), o.regularizers().get(UnmixRegularizer.TERM), o.gradNorm());
            assertThat(o.regularizers()).containsOnlyKeys(UnmixRegularizer.TERM);
            float unmix = o.regularizers().get(UnmixRegularizer.TERM);
            assertThat(unmix).isPositive().isLessThan(0.5f); // λ · L, L in (0, 1)
            assertThat(o.loss()).isCloseTo(o.instanceLoss() + unmix, within(1e-5f));
        }
        System.out.printf("4 cut-mix steps at batch 2 (first run, SVD included): %.1f s%n", seconds);
        assertThat(second.steps()).isEqualTo(first.steps());
        assertThat(first.metadata()).containsEntry("svdiff.cut_mix_subjects", "sks dog|zwx sculpture")
                .containsEntry(CutMixTraining.OPTION_PROBABILITY, "1.0").containsEntry("svdiff.unmix_weight", "0.5");
        assertThat(second.shifts().keySet()).isEqualTo(first.shifts().keySet());
        first.shifts().forEach((k, v) -> assertThat(second.shifts().get(k)).as(k).containsExactly(v));
        assertThat(first.shifts().values()).anySatisfy(d -> assertThat(d).isNotEqualTo(new float[d.length]));
    }

    private static TrainingConfig resumable(int steps, Path checkpoints) {
        return config().maxSteps(steps).batchSize(1).checkpointEvery(2).checkpointDir(checkpoints)
                .methodOption(CutMixTraining.OPTION_PROBABILITY, "0.6").build();
    }

    @Test
    void aResumedRunContinuesTheSameDraws() throws IOException {
        Run whole = run(resumable(4, tmp.resolve("ckpt-whole")));
        Path part = tmp.resolve("ckpt-part");
        run(resumable(2, part)); // interrupted after step 2
        Run resumed;
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            NDArray a = TrainingImages.load(TrainingImages.list(dogs), RES, true, m);
            NDArray bb = TrainingImages.load(TrainingImages.list(sculptures), RES, true, m);
            TrainingConfig cfg = resumable(4, part);
            SvdiffMethod method = new SvdiffMethod();
            try (Trainer trainer = new Trainer(model, method, cfg, m);
                 CutMixTraining training = new CutMixTraining(trainer, cfg, DOG, a, SCULPTURE, bb)) {
                assertThat(trainer.resumeFromLatest()).isPresent();
                assertThat(trainer.step()).isEqualTo(2);
                resumed = new Run(training.train(o -> { }), method.shifts(trainer.provenance()));
            }
        }
        assertThat(resumed.steps()).isEqualTo(whole.steps().subList(2, 4));
        whole.shifts().forEach((k, v) -> assertThat(resumed.shifts().get(k)).as(k).containsExactly(v));
    }

    @Test
    void noTermWithoutMixedRowsOrWithZeroWeight() throws IOException {
        Run unmixed = run(config().maxSteps(2).methodOption(CutMixTraining.OPTION_PROBABILITY, "0").build());
        Run off = run(config().maxSteps(2).unmixWeight(0f)
                .methodOption(CutMixTraining.OPTION_PROBABILITY, "1").build());
        for (Trainer.StepOutcome o : List.of(unmixed.steps().get(0), off.steps().get(0), off.steps().get(1))) {
            assertThat(o.regularizers()).isEmpty();
            assertThat(o.loss()).isEqualTo(o.instanceLoss());
        }
    }

    @Test
    void priorRowsAreMixedWithTheClassNounsAndWeighted() throws IOException {
        TrainingConfig cfg = config().maxSteps(2).batchSize(1).priorLossWeight(0.7f)
                .methodOption(CutMixTraining.OPTION_PROBABILITY, "1").build();
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            NDArray a = TrainingImages.load(TrainingImages.list(dogs), RES, true, m);
            NDArray b = TrainingImages.load(TrainingImages.list(sculptures), RES, true, m);
            NDArray classA = TrainingImages.load(TrainingImages.list(classes), RES, true, m);
            try (Trainer trainer = new Trainer(model, new SvdiffMethod(), cfg, m);
                 CutMixTraining training = new CutMixTraining(trainer, cfg, DOG, a, SCULPTURE, b)) {
                assertThatThrownBy(() -> training.withPriors(classA, classA.get(":, :, 0:16, 0:16")))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instance size");
                for (Trainer.StepOutcome o : training.withPriors(classA, b).train(o -> { })) {
                    float unmix = o.regularizers().get(UnmixRegularizer.TERM);
                    System.out.printf("loss %.5f = instance %.5f + 0.7 * prior %.5f + unmix %.3g%n", o.loss(),
                            o.instanceLoss(), o.priorLoss(), unmix);
                    assertThat(o.priorLoss()).isPositive();
                    assertThat(unmix).isPositive();
                    assertThat(o.loss()).isCloseTo(o.instanceLoss() + 0.7f * o.priorLoss() + unmix, within(1e-5f));
                }
            }
        }
    }

    @Test
    void rejectsWhatCutMixCannotTrain() throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            NDArray a = TrainingImages.load(TrainingImages.list(dogs), RES, true, m);
            TrainingConfig db = TrainingConfig.builder("dreambooth").instancePrompt("a photo of {id} dog").build();
            try (Trainer t = new Trainer(model, new DreamBooth(), db, m)) {
                assertThatThrownBy(() -> new CutMixTraining(t, db, DOG, a, SCULPTURE, a))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SVDiff");
            }
            TrainingConfig sv = config().build();
            try (Trainer t = new Trainer(model, new SvdiffMethod(), sv, m)) {
                assertThatThrownBy(() -> new CutMixTraining(t, sv, DOG, a, new CutMixUnmix.Subject("sks", "cat"), a))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share the identifier");
                NDArray small = TrainingImages.load(TrainingImages.list(sculptures), 16, true, m);
                assertThatThrownBy(() -> new CutMixTraining(t, sv, DOG, a, SCULPTURE, small))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one size");
                TrainingConfig captioned = config().instanceCaptions(List.of("a sks dog", "a sks dog")).build();
                assertThatThrownBy(() -> new CutMixTraining(t, captioned, DOG, a, SCULPTURE, a))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceCaptions");
            }
        }
    }
}
